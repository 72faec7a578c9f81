/**
 * Scaffolder actions and actions-registry (MCP) actions that request, wait
 * for and delete Kratix Resources.
 *
 * @packageDocumentation
 */
import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { kratixActionsModule, kratixScaffolderModule } from './module';

export { kratixActionsModule, kratixScaffolderModule } from './module';
export * from './actions';
export {
  KratixEngineClient,
  KratixEngineError,
} from './client/KratixEngineClient';
export type { ResourceRequest } from './client/KratixEngineClient';

/**
 * Both modules: the scaffolder actions and the actions-registry actions.
 * `backend.add(import('@kratix-backstage/plugin-scaffolder-backend-module-kratix'))`.
 *
 * @public
 */
export default createBackendFeatureLoader({
  loader: () => [kratixScaffolderModule, kratixActionsModule],
});
