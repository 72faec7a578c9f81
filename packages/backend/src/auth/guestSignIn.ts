import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';

/**
 * The guest sign-in, only where the config has `auth.providers.guest` (the
 * demo's app-config.yaml). app-config.production.yaml sets it to `null`,
 * which removes it: the guest module then is not even added (it would fail
 * on start without its config), and `/api/auth/guest/refresh` answers 404.
 */
export const guestSignIn = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    if (config.has('auth.providers.guest')) {
      yield guestProvider;
    }
  },
});
