// Resource permissions (`kratix.resource.read`, `.update`, `.delete`,
// `.reconcile`) checked against the Resources themselves: a policy may
// answer them with conditions, which are applied here to the Resource an
// operation names, or to each Resource of a list.
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  KRATIX_RESOURCE_RESOURCE_TYPE,
  KratixResource,
  kratixResourceReadPermission,
  ResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { loadResourceEntry } from '../permissions/getResources';
import { KratixResourceEntry } from '../permissions/resourceRef';
import { KratixApi } from './KratixApi';

type KratixResourcePermission = ResourcePermission<
  typeof KRATIX_RESOURCE_RESOURCE_TYPE
>;

export function notAllowed(permission: string): Error {
  return new NotAllowedError(
    `Not allowed: the permission '${permission}' is required`,
  );
}

/** What a resource permission's operation names: a Resource, or a list. */
export interface ResourceTarget {
  cluster?: string;
  /** None for operations on other objects (HealthRecords). */
  promise?: string;
  namespace?: string;
  /** None for a list. */
  name?: string;
}

export class ResourceAccess {
  private readonly authorized: (
    decision: PolicyDecision,
    entry: KratixResourceEntry,
  ) => boolean;

  constructor(
    private readonly options: {
      permissions: PermissionsService;
      ruleset: PermissionRuleset<KratixResourceEntry>;
      apiFor(cluster?: string): KratixApi;
    },
  ) {
    this.authorized = createConditionAuthorizer(options.ruleset);
  }

  /**
   * Throws unless the caller may do the operation: 403 when not allowed,
   * and for a Resource the caller may not read, the 404 of a missing one
   * (403 when the caller may read no Resource at all), so that existence
   * is told to those who could read it only. For a list, the test of the
   * Resources the caller may see, when a policy gave conditions.
   */
  async check(
    permission: KratixResourcePermission,
    credentials: BackstageCredentials,
    target: ResourceTarget,
  ): Promise<((resource: KratixResource) => boolean) | undefined> {
    const decision = await this.decide(permission, credentials);
    if (decision.result === AuthorizeResult.DENY) {
      throw notAllowed(permission.name);
    }
    if (decision.result === AuthorizeResult.ALLOW || !target.promise) {
      // HealthRecords are not Resources: any Resource read lets one read them.
      return undefined;
    }
    const { cluster, promise } = target;
    const test = (resource: KratixResource) =>
      this.authorized(decision, entryOf(cluster, promise, resource));
    if (target.name === undefined) return test;
    const ref = {
      ...target,
      promise,
      namespace: target.namespace ?? '',
      name: target.name,
    };
    const resource = await this.load(ref);
    const readable =
      permission.name === kratixResourceReadPermission.name
        ? resource && test(resource)
        : await this.canRead(credentials, ref, resource);
    if (!resource || !readable) {
      if (readable === 'never') throw notAllowed(permission.name);
      throw new NotFoundError(
        `Resource '${ref.namespace}/${ref.name}' of Promise '${promise}' not found`,
      );
    }
    if (!test(resource)) throw notAllowed(permission.name);
    return undefined;
  }

  /**
   * Throws 403 unless the caller may do the operation on this Resource as
   * the operation found it stored (an apply that updates it checks the
   * version it writes over).
   */
  async checkStored(
    permission: KratixResourcePermission,
    credentials: BackstageCredentials,
    target: { cluster?: string; promise: string },
    resource: KratixResource,
  ): Promise<void> {
    const decision = await this.decide(permission, credentials);
    const allowed =
      decision.result === AuthorizeResult.ALLOW ||
      (decision.result === AuthorizeResult.CONDITIONAL &&
        this.authorized(
          decision,
          entryOf(target.cluster, target.promise, resource),
        ));
    if (!allowed) throw notAllowed(permission.name);
  }

  private async decide(
    permission: KratixResourcePermission,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }

  /** May the caller read it; `never` when it may read no Resource. */
  private async canRead(
    credentials: BackstageCredentials,
    ref: ResourceRef,
    resource: KratixResource | undefined,
  ): Promise<boolean | 'never'> {
    const decision = await this.decide(
      kratixResourceReadPermission,
      credentials,
    );
    if (decision.result === AuthorizeResult.DENY) return 'never';
    if (!resource) return false;
    return (
      decision.result === AuthorizeResult.ALLOW ||
      this.authorized(decision, { ref, resource })
    );
  }

  private async load(ref: ResourceRef): Promise<KratixResource | undefined> {
    return (await loadResourceEntry(this.options.apiFor, ref))?.resource;
  }
}

/** What a policy's rules see of a Resource of a Promise. */
function entryOf(
  cluster: string | undefined,
  promise: string,
  resource: KratixResource,
): KratixResourceEntry {
  const { namespace = '', name } = resource.metadata;
  return { ref: { cluster, promise, namespace, name }, resource };
}
