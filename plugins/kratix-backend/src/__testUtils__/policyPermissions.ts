// A PermissionsService that asks a real PermissionPolicy, as Backstage's
// permission backend does: users' requests go to the policy, with their
// ownership refs; a service caller is allowed without asking.
import {
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';

export function policyPermissionsFactory(
  policy: PermissionPolicy,
  /** Each user's groups. */
  groups: Record<string, string[]> = {},
) {
  const decide = async (
    permission: Permission,
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> => {
    const principal = credentials.principal as { type: string };
    if (principal.type !== 'user') return { result: AuthorizeResult.ALLOW };
    const { userEntityRef } = principal as BackstageUserPrincipal;
    return policy.handle(
      { permission },
      {
        credentials,
        info: {
          userEntityRef,
          ownershipEntityRefs: [
            userEntityRef,
            ...(groups[userEntityRef] ?? []),
          ],
        },
      },
    );
  };
  const service: PermissionsService = {
    authorizeConditional: async (queries, { credentials }) =>
      Promise.all(queries.map(q => decide(q.permission, credentials))) as any,
    authorize: async (requests, { credentials }) =>
      Promise.all(
        requests.map(async r => {
          const decision = await decide(r.permission, credentials);
          if (decision.result === AuthorizeResult.CONDITIONAL) {
            throw new Error(
              `policyPermissions: a conditional answer for ${r.permission.name} to authorize(); the router must use authorizeConditional`,
            );
          }
          return decision;
        }),
      ),
  };
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () => service,
  });
}
