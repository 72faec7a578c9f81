import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { kratixPlugin } from '../plugin';

const allow = async (requests: unknown[]) =>
  requests.map(() => ({ result: AuthorizeResult.ALLOW }));

/**
 * A real Backstage backend with the Kratix plugin, all of its config given,
 * and every permission allowed (as the permission backend's allow-all policy).
 */
export function createKratixBackend(config: JsonObject) {
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => new ConfigReader(config),
    }),
  );
  backend.add(
    createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: () => ({ authorize: allow, authorizeConditional: allow } as any),
    }),
  );
  backend.add(kratixPlugin);
  return backend;
}
