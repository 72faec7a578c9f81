import { createPermissionRule } from '@backstage/plugin-permission-node';
import { KRATIX_REQUESTED_BY_ANNOTATION } from '@kratix-backstage/plugin-kratix-common';
import { z } from 'zod';
import {
  KratixResourceEntry,
  kratixResourcePermissionResourceRef,
} from '../resourceRef';

/** Entity refs compare as the catalog compares them: ignoring case. */
const matches =
  ({ claims }: { claims: string[] }) =>
  ({ resource }: KratixResourceEntry) => {
    const by = resource.metadata.annotations?.[KRATIX_REQUESTED_BY_ANNOTATION];
    if (!by) return false;
    const wanted = new Set(claims.map(c => c.toLocaleLowerCase('en-US')));
    return wanted.has(by.toLocaleLowerCase('en-US'));
  };

/** Resources requested by one of the given entity refs. */
export const isRequestedBy = createPermissionRule({
  name: 'IS_REQUESTED_BY',
  description: `Allow Resources requested by one of the given entity refs (the ${KRATIX_REQUESTED_BY_ANNOTATION} annotation)`,
  resourceRef: kratixResourcePermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(
        'Entity refs, e.g. the user entity ref and ownership refs of the caller',
      ),
  }),
  apply: (entry, params) => matches(params)(entry),
  toQuery: matches,
});
