import { KratixEngineClient } from '../client/KratixEngineClient';
import { createKratixResourceDeleteAction } from './resourceDelete';
import { createKratixResourceRequestAction } from './resourceRequest';
import { createKratixResourceWaitAction } from './resourceWait';

export {
  createKratixResourceDeleteAction,
  createKratixResourceRequestAction,
  createKratixResourceWaitAction,
};

/** Every Kratix scaffolder action. @public */
export function createKratixActions(options: {
  engine: KratixEngineClient;
  pollIntervalMs?: number;
}) {
  return [
    createKratixResourceRequestAction(options),
    createKratixResourceWaitAction(options),
    createKratixResourceDeleteAction(options),
  ];
}
