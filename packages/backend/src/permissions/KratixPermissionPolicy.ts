import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  kratixResourceDeletePermission,
  kratixResourceReconcilePermission,
  kratixResourceUpdatePermission,
} from '@kratix-backstage/plugin-kratix-common';
import {
  createKratixResourceConditionalDecision,
  kratixResourceConditions,
} from '@kratix-backstage/plugin-kratix-backend/alpha';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { platformPermissions } from './platformPermissions';
import { normalize } from './platformTeam';

const allow: PolicyDecision = { result: AuthorizeResult.ALLOW };
const deny: PolicyDecision = { result: AuthorizeResult.DENY };

/** What users may do to the Resources they (or their groups) requested. */
const requesterPermissions = [
  kratixResourceUpdatePermission,
  kratixResourceDeletePermission,
  kratixResourceReconcilePermission,
];

/**
 * The portal's policy. Signed-in users may do what a self-service portal
 * offers: read the catalog, run templates, read Promises, read and request
 * Resources, and update, reconcile and delete the Resources they or one of
 * their groups requested (`kratix.io/requested-by`). The members of the platform
 * team may do all that to every Resource, and the platform permissions
 * (installing a Promise, above all) are theirs alone.
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
    const { permission } = request;
    const requesterOnly = requesterPermissions.find(p =>
      isPermission(permission, p),
    );
    if (!requesterOnly && !platformPermissions.has(permission.name)) {
      return allow;
    }
    const info = await this.userInfo.getUserInfo(user.credentials);
    const claims = [
      ...new Set([info.userEntityRef, ...info.ownershipEntityRefs]),
    ];
    if (claims.some(ref => this.platformTeam.has(normalize(ref)))) {
      return allow;
    }
    if (!requesterOnly) return deny;
    return createKratixResourceConditionalDecision(
      requesterOnly,
      kratixResourceConditions.isRequestedBy({ claims }),
    );
  }
}
