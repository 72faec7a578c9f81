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
import { ObjectKey, ObjectStore, StoredObject } from '../database/ObjectStore';
import { updateStatusFrom } from '../database/updateStatusFrom';
import { WorkPlacementStore } from '../database/WorkPlacementStore';

/**
 * Runs the executor for a stored object. Each save writes the status only,
 * compare-and-swap, keeping the health fields that HealthRecords own.
 */
export async function runObjectWorkflow(options: {
  store: ObjectStore & WorkPlacementStore;
  runner: PipelineRunner;
  stateStore: StateStore;
  config: KratixConfig;
  key: ObjectKey;
  object: KratixObject;
  promise: ParsedPromise;
  workflow: WorkflowRef;
  startAt: number;
  signal: AbortSignal;
  /** Stops the workflow before its next pipeline. */
  superseded?: AbortSignal;
  /** True once the run is not this engine's: its saves write nothing. */
  fenced?: () => boolean;
  onEvent(event: WorkflowEvent): void;
}): Promise<WorkflowResult> {
  const { store, config, key } = options;
  // What the last save wrote (at first, what the run started from): the
  // next save compares with it instead of reading the object again.
  let known = { object: options.object } as Pick<StoredObject, 'object'>;
  const save = async (object: KratixObject): Promise<KratixObject> => {
    if (options.fenced?.()) return object;
    const saved = await updateStatusFrom(
      store,
      key,
      current => {
        // The health fields belong to HealthRecords: keep the current ones.
        const { healthRecord, healthStatus } = current.object.status ?? {};
        const {
          healthRecord: _r,
          healthStatus: _s,
          ...status
        } = object.status ?? {};
        return {
          ...status,
          ...(healthRecord && { healthRecord }),
          ...(healthStatus && { healthStatus }),
        };
      },
      known,
    );
    known = saved;
    // The run keeps the spec it started with; only the status moves on.
    return { ...object, status: saved.object.status } as KratixObject;
  };
  return executeWorkflow({
    object: options.object,
    promise: options.promise,
    workflow: options.workflow,
    runner: options.runner,
    stateStore: options.stateStore,
    destinations: config.destinations,
    placements: {
      list: () => store.listWorkPlacements(key),
      replace: (pipeline, list) =>
        store.replaceWorkPlacements(key, pipeline, list),
    },
    save,
    startAt: options.startAt,
    strategy: config.strategy,
    statusMaxBytes: config.statusMaxBytes,
    outputMaxBytes: config.outputMaxBytes,
    retryAfterMinMs: config.errorRetryMs,
    signal: options.signal,
    superseded: options.superseded,
    onEvent: options.onEvent,
  });
}
