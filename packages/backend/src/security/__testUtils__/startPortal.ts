import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Config } from '@backstage/config';
import {
  TestBackend,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import authPlugin from '@backstage/plugin-auth-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import kratixPlugin from '@kratix-backstage/plugin-kratix-backend';
import { guestSignIn } from '../../auth/guestSignIn';
import { kratixPolicyModule } from '../../permissions/kratixPolicyModule';

/** The subject and token of an operator's `externalAccess` static token. */
export const OPERATOR = {
  subject: 'external:platform-ci',
  token: 'operator-static-token-0123456789',
};

/**
 * The portal's auth and permission stack, all real (auth backend, guest
 * provider, permission backend with our policy, token checks), and the Kratix
 * plugin. `app`, `auth` and `permission` come from the given app config.
 */
export async function startPortal(
  appConfig: Config,
  options: { platformTeam?: string[] } = {},
): Promise<{ server: TestBackend['server']; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-test-'));
  const section = (key: string) => appConfig.getOptionalConfig(key)?.get();
  const backend = await startTestBackend({
    features: [
      authServiceFactory,
      httpAuthServiceFactory,
      permissionsServiceFactory,
      userInfoServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          app: section('app') ?? {},
          auth: section('auth') ?? {},
          permission: {
            ...appConfig.getConfig('permission').get<object>(),
            ...(options.platformTeam && {
              kratix: { platformTeam: options.platformTeam },
            }),
          },
          backend: {
            baseUrl: 'http://localhost',
            database: { client: 'better-sqlite3', connection: ':memory:' },
            auth: {
              externalAccess: [{ type: 'static', options: OPERATOR }],
            },
          },
          kratix: { stateStore: { path: path.join(dir, 'state') } },
        },
      }),
      authPlugin,
      guestSignIn,
      permissionPlugin,
      kratixPolicyModule,
      kratixPlugin,
    ],
  });
  return {
    server: backend.server,
    stop: async () => {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in as the guest, as the portal's "Enter" button does. */
export async function guestRefresh(
  server: Parameters<typeof request>[0],
): Promise<request.Response> {
  return request(server).get('/api/auth/guest/refresh');
}
