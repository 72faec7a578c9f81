import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import {
  KratixResourceEntry,
  kratixResourcePermissionResourceRef,
} from '../resourceRef';

const matches =
  ({ namespaces }: { namespaces: string[] }) =>
  ({ ref }: KratixResourceEntry) =>
    namespaces.includes(ref.namespace);

/** Resources in one of the given namespaces. */
export const isInNamespace = createPermissionRule({
  name: 'IS_IN_NAMESPACE',
  description: 'Allow Resources in one of the given namespaces',
  resourceRef: kratixResourcePermissionResourceRef,
  paramsSchema: z.object({
    namespaces: z.array(z.string()).describe('Namespaces of Resources'),
  }),
  apply: (entry, params) => matches(params)(entry),
  toQuery: matches,
});
