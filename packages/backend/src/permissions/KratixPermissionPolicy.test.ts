import { ConfigReader } from '@backstage/config';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  kratixPermissions,
  kratixResourceDeletePermission,
  kratixResourceReconcilePermission,
  kratixResourceUpdatePermission,
} from '@kratix-backstage/plugin-kratix-common';
import {
  templateDryRunPermission,
  taskCreatePermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { KratixPermissionPolicy } from './KratixPermissionPolicy';
import { readPlatformTeam } from './platformTeam';

const groups: Record<string, string[]> = {
  'user:default/ada': ['group:default/Platform'],
  'user:development/guest': ['group:default/guests'],
};

const userInfo = {
  getUserInfo: async (credentials: any) => {
    const ref = (credentials.principal as { userEntityRef: string })
      .userEntityRef;
    return {
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...groups[ref]],
    };
  },
};

function policy(platformTeam: string[]) {
  return new KratixPermissionPolicy(
    readPlatformTeam(
      new ConfigReader({ permission: { kratix: { platformTeam } } }),
    ),
    userInfo,
  );
}

function user(ref: string) {
  return { credentials: mockCredentials.user(ref) } as PolicyQueryUser;
}

/** The permissions each user gets, by name. */
async function allowed(p: KratixPermissionPolicy, who?: PolicyQueryUser) {
  const names = [];
  for (const permission of [
    ...kratixPermissions,
    templateDryRunPermission,
    taskCreatePermission,
  ]) {
    const { result } = await p.handle({ permission }, who);
    if (result === AuthorizeResult.ALLOW) names.push(permission.name);
  }
  return names;
}

const everyone = [
  'kratix.promise.read',
  'kratix.resource.read',
  'kratix.resource.request',
  'scaffolder.task.create',
];
/** Allowed for every Resource to the platform team, to others on conditions. */
const requester = [
  'kratix.resource.update',
  'kratix.resource.delete',
  'kratix.resource.reconcile',
];
const platform = [
  'kratix.promise.manage',
  'kratix.healthrecord.write',
  'scaffolder.template.dry-run',
];

describe('KratixPermissionPolicy', () => {
  it('lets users self-serve, and keeps the platform permissions for the platform team', async () => {
    const p = policy(['group:default/platform']);
    expect(await allowed(p, user('user:development/guest'))).toEqual(everyone);
    expect((await allowed(p, user('user:default/ada'))).sort()).toEqual(
      [...everyone, ...requester, ...platform].sort(),
    );
    expect(await allowed(p, undefined)).toEqual([]);
  });

  it('lets users update, delete and reconcile the Resources they or their groups requested', async () => {
    const p = policy(['group:default/platform']);
    for (const permission of [
      kratixResourceUpdatePermission,
      kratixResourceDeletePermission,
      kratixResourceReconcilePermission,
    ]) {
      expect(
        await p.handle({ permission }, user('user:development/guest')),
      ).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'kratix',
        resourceType: 'kratix-resource',
        conditions: {
          rule: 'IS_REQUESTED_BY',
          resourceType: 'kratix-resource',
          params: {
            claims: ['user:development/guest', 'group:default/guests'],
          },
        },
      });
    }
  });

  it('gives nobody the platform permissions when the team is unset', async () => {
    const p = new KratixPermissionPolicy(
      readPlatformTeam(new ConfigReader({})),
      userInfo,
    );
    expect(await allowed(p, user('user:default/ada'))).toEqual(everyone);
  });

  it('names a bad platformTeam entry and why', () => {
    expect(() => policy(['group:default/platform', 'ada'])).toThrow(
      'Invalid permission.kratix.platformTeam[1]:',
    );
    expect(() => policy(['component:default/web'])).toThrow(
      "Invalid permission.kratix.platformTeam[0]: 'component:default/web' must name a user or a group, such as 'group:default/platform'",
    );
  });
});
