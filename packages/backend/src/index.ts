import { createBackend } from '@backstage/backend-defaults';
import { guestSignIn } from './auth/guestSignIn';
import { kratixPolicyModule } from './permissions/kratixPolicyModule';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
// Only where auth.providers.guest is set: the demo, not production.
backend.add(guestSignIn);

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@kratix-backstage/plugin-scaffolder-backend-module-kratix'),
);

// Users read and request; only the platform team installs Promises.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(kratixPolicyModule);

backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(import('@kratix-backstage/plugin-kratix-backend'));
// Promises as API entities, Resources as Resource entities, kept current.
backend.add(import('@kratix-backstage/plugin-catalog-backend-module-kratix'));

backend.start();
