import { ConflictError } from '@backstage/errors';
import { KratixConfig } from '../config';
import {
  KratixObject,
  ParsedPromise,
  PipelineRunner,
  StateStore,
  WorkflowEvent,
  WorkflowRef,
  WorkflowResult,
  executeWorkflow,
} from '../engine';
import { KratixStore, ObjectKey } from '../database/KratixStore';
import { StatusPublisher } from './StatusPublisher';

const SAVE_ATTEMPTS = 10;

/**
 * Runs the executor for a stored object. Each save writes the status only,
 * compare-and-swap, keeping the health fields that HealthRecords own.
 */
export async function runObjectWorkflow(options: {
  store: KratixStore;
  runner: PipelineRunner;
  stateStore: StateStore;
  publisher: StatusPublisher;
  config: KratixConfig;
  key: ObjectKey;
  object: KratixObject;
  promise: ParsedPromise;
  workflow: WorkflowRef;
  startAt: number;
  signal: AbortSignal;
  onEvent(event: WorkflowEvent): void;
}): Promise<WorkflowResult> {
  const { store, config, key, publisher } = options;
  const save = async (object: KratixObject): Promise<KratixObject> => {
    for (let attempt = 1; ; attempt++) {
      const current = await store.getObject(key);
      if (!current) throw new Error(`${key.kind} ${key.name} was removed`);
      const { healthRecord, healthStatus } = current.object.status ?? {};
      const status = { ...object.status };
      delete status.healthRecord;
      delete status.healthStatus;
      if (healthRecord) status.healthRecord = healthRecord;
      if (healthStatus) status.healthStatus = healthStatus;
      try {
        const saved = await store.updateStatus(
          key,
          status,
          current.object.metadata.resourceVersion,
        );
        await publisher.publish(key, saved);
        // The run keeps the spec it started with; only the status moves on.
        return { ...object, status: saved.object.status } as KratixObject;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= SAVE_ATTEMPTS) throw e;
      }
    }
  };
  return executeWorkflow({
    object: options.object,
    promise: options.promise,
    workflow: options.workflow,
    runner: options.runner,
    stateStore: options.stateStore,
    destinations: config.destinations,
    save,
    workDir: config.workDir,
    startAt: options.startAt,
    strategy: config.strategy,
    statusMaxBytes: config.statusMaxBytes,
    signal: options.signal,
    onEvent: options.onEvent,
  });
}
