import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** The user the permission policy denies everything. */
export const MALLORY = 'user:default/mallory';

/** A permission policy that allows everyone but Mallory. */
export const denyMallory = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const principal = options?.credentials.principal as {
      userEntityRef?: string;
    };
    const result =
      principal?.userEntityRef === MALLORY
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    return requests.map(() => ({ result }));
  },
}).factory;
