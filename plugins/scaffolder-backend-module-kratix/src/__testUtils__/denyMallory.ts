import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** The user the permission policy denies everything. */
export const MALLORY = 'user:default/mallory';

/** Denies Mallory, allows everyone else (Resource permissions too). */
async function decide(requests: unknown[], options?: { credentials: any }) {
  const principal = options?.credentials.principal as {
    userEntityRef?: string;
  };
  const result =
    principal?.userEntityRef === MALLORY
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW;
  return requests.map(() => ({ result })) as any;
}

/** A permission policy that allows everyone but Mallory. */
export const denyMallory = mockServices.permissions.mock({
  authorize: decide,
  authorizeConditional: decide,
}).factory;
