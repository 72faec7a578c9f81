import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { platformPermissions } from './platformPermissions';
import { normalize } from './platformTeam';

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The portal's policy. Signed-in users may do what a self-service portal
 * offers: read the catalog, run templates, read Promises, and read, request,
 * reconcile and delete Resources. The platform permissions (installing a
 * Promise, above all) only for the members of the platform team.
 *
 * Service principals never get here: Backstage allows them before any
 * policy, within the access restrictions the operator gave them.
 */
export class KratixPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly platformTeam: ReadonlySet<string>,
    private readonly userInfo: UserInfoService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) return deny;
    if (!platformPermissions.has(request.permission.name)) return allow;
    return (await this.inPlatformTeam(user)) ? allow : deny;
  }

  private async inPlatformTeam(user: PolicyQueryUser): Promise<boolean> {
    if (this.platformTeam.size === 0) return false;
    const info = await this.userInfo.getUserInfo(user.credentials);
    return [info.userEntityRef, ...info.ownershipEntityRefs].some(ref =>
      this.platformTeam.has(normalize(ref)),
    );
  }
}
