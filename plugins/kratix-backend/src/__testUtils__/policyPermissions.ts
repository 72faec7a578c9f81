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
  isPermission,
  isResourcePermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { kratixResourceReadPermission } from '@kratix-backstage/plugin-kratix-common';
import {
  createKratixResourceConditionalDecision,
  kratixResourceConditions,
} from '../permissions/conditions';

const ALLOW = { result: AuthorizeResult.ALLOW } as const;
const DENY = { result: AuthorizeResult.DENY } as const;

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

/**
 * Update, delete and reconcile: the platform team all, others what they
 * (or their groups) requested. Read: carol only namespace team-a; mallory
 * nothing.
 */
export const requesterPolicy: PermissionPolicy = {
  async handle({ permission }, user) {
    const me = user!.info.userEntityRef;
    if (me === 'user:default/platform') return ALLOW;
    if (!isResourcePermission(permission, 'kratix-resource')) return ALLOW;
    if (isPermission(permission, kratixResourceReadPermission)) {
      if (me === 'user:default/mallory') return DENY;
      if (me !== 'user:default/carol') return ALLOW;
      return createKratixResourceConditionalDecision(
        permission,
        kratixResourceConditions.isInNamespace({ namespaces: ['team-a'] }),
      );
    }
    return createKratixResourceConditionalDecision(
      permission,
      kratixResourceConditions.isRequestedBy({
        claims: user!.info.ownershipEntityRefs,
      }),
    );
  },
};
