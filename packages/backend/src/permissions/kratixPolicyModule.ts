import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { KratixPermissionPolicy } from './KratixPermissionPolicy';
import { readPlatformTeam } from './platformTeam';

/** The portal's permission policy, in place of allow-all. */
export const kratixPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kratix-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          new KratixPermissionPolicy(readPlatformTeam(config), userInfo),
        );
      },
    });
  },
});
