// The resource type as Backstage's permission backend uses it: a
// conditional decision about one Resource (as the frontend's usePermission
// asks with a resourceRef) is resolved by the plugin's apply-conditions
// endpoint, which loads the Resource with getResources.
import request from 'supertest';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  kratixResourceDeletePermission,
  kratixResourceReconcilePermission,
} from '@kratix-backstage/plugin-kratix-common';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { startKratix } from '../__testUtils__/startKratix';
import { putIamPromise } from '../__testUtils__/iamPromise';
import { requesterPolicy } from '../__testUtils__/policyPermissions';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kratix-test-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(requesterPolicy);
      },
    });
  },
});

/**
 * The mock auth service, but a plugin's token on behalf of a user names the
 * plugin as its actor, as Backstage's own does (the permissions registry's
 * apply-conditions endpoint refuses users' tokens without one).
 */
const oboAuth = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const issue = auth.getPluginRequestToken.bind(auth);
    auth.getPluginRequestToken = async options => {
      const principal = options.onBehalfOf.principal as {
        type: string;
        userEntityRef?: string;
      };
      if (principal.type !== 'user') return issue(options);
      const actor = { subject: `plugin:${plugin.getId()}` };
      return {
        token: mockCredentials.user.token(principal.userEntityRef, { actor }),
      };
    };
    return auth;
  },
});

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

describe.each(databases.eachSupportedId())(
  'the permission backend on %p',
  id => {
    it('resolves conditions on one Resource through the plugin', async () => {
      const { server, stop, markers } = await startKratix(databases, id, {
        features: [permissionPlugin, policyModule, oboAuth],
        config: { permission: { enabled: true } },
      });
      const api = () => request(server);
      /** What the permission backend answers `user` for each resourceRef. */
      const decide = async (user: string, resourceRefs: string[]) => {
        const res = await api()
          .post('/api/permission/authorize')
          .set('Authorization', as(user))
          .send({
            items: resourceRefs.flatMap((resourceRef, i) =>
              [
                kratixResourceDeletePermission,
                kratixResourceReconcilePermission,
              ].map((permission, j) => ({
                id: `${i}-${j}`,
                permission,
                resourceRef,
              })),
            ),
          })
          .expect(200);
        return res.body.items.map((item: { result: string }) => item.result);
      };
      try {
        await putIamPromise(server, markers);
        await api()
          .put('/api/kratix/promises/iam/resources/default/alice')
          .set('Authorization', as('ada'))
          .send({ spec: { user: 'ada' } })
          .expect(201);

        expect(await decide('ada', ['iam/default/alice'])).toEqual([
          'ALLOW',
          'ALLOW',
        ]);
        expect(await decide('bob', ['iam/default/alice'])).toEqual([
          'DENY',
          'DENY',
        ]);
        // What does not exist (or is no ref at all) is nobody's.
        expect(
          await decide('ada', [
            'iam/default/nobody',
            'nope/default/alice',
            'x',
          ]),
        ).toEqual(['DENY', 'DENY', 'DENY', 'DENY', 'DENY', 'DENY']);
        expect(await decide('platform', ['iam/default/alice'])).toEqual([
          'ALLOW',
          'ALLOW',
        ]);
      } finally {
        await stop();
      }
    });
  },
);
