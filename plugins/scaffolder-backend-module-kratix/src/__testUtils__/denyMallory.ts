import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

/** The user the permission policy denies everything. */
export const MALLORY = 'user:default/mallory';

/** The user who may request Resources, but change none that exists. */
export const NEWCOMER = 'user:default/newcomer';

/**
 * Denies Mallory, and the newcomer `kratix.resource.update`; allows
 * everyone else (Resource permissions too).
 */
async function decide(
  requests: Array<{ permission: { name: string } }>,
  options?: { credentials: any },
) {
  const principal = options?.credentials.principal as {
    userEntityRef?: string;
  };
  const denied = (name: string) =>
    principal?.userEntityRef === MALLORY ||
    (principal?.userEntityRef === NEWCOMER &&
      name === 'kratix.resource.update');
  return requests.map(({ permission }) => ({
    result: denied(permission.name)
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
  })) as any;
}

/** A permission policy that allows everyone but Mallory (and the newcomer's updates). */
export const denyMallory = mockServices.permissions.mock({
  authorize: decide,
  authorizeConditional: decide,
}).factory;
