import { CatalogService } from '@backstage/plugin-catalog-node';
import { KratixEngineClient } from '../client/KratixEngineClient';
import { createKratixCatalogWaitAction } from './catalogWait';
import { createKratixResourceDeleteAction } from './resourceDelete';
import { createKratixResourceRequestAction } from './resourceRequest';
import { createKratixResourceWaitAction } from './resourceWait';

export {
  createKratixCatalogWaitAction,
  createKratixResourceDeleteAction,
  createKratixResourceRequestAction,
  createKratixResourceWaitAction,
};

/** Every Kratix scaffolder action. @public */
export function createKratixActions(options: {
  engine: KratixEngineClient;
  catalog: CatalogService;
  pollIntervalMs?: number;
}) {
  return [
    createKratixResourceRequestAction(options),
    createKratixResourceWaitAction(options),
    createKratixResourceDeleteAction(options),
    createKratixCatalogWaitAction(options),
  ];
}
