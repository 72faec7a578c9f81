import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import {
  KratixResourceEntry,
  kratixResourcePermissionResourceRef,
} from '../resourceRef';

const matches =
  ({ promises }: { promises: string[] }) =>
  ({ ref }: KratixResourceEntry) =>
    promises.includes(ref.promise);

/** Resources of one of the given Promises. */
export const hasPromise = createPermissionRule({
  name: 'HAS_PROMISE',
  description: 'Allow Resources of one of the given Promises',
  resourceRef: kratixResourcePermissionResourceRef,
  paramsSchema: z.object({
    promises: z.array(z.string()).describe('Names of Promises'),
  }),
  apply: (entry, params) => matches(params)(entry),
  toQuery: matches,
});
