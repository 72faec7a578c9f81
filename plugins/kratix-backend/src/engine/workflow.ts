// Runs one workflow of an object: its pipelines in order (spec sections 2, 3, 5).
import { randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import {
  DEFAULT_NAMESPACE,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import {
  Destination,
  KratixObject,
  Pipeline,
  PipelineOutputs,
  PipelineRunner,
  RunnerUnavailableError,
  StateStore,
  WorkflowRef,
  WorkPlacements,
} from './interfaces';
import { getWorkflowPipelines, ParsedPromise } from './promise';
import { MergeStrategy, mergeStatus } from './merge';
import { checkMergedStatusSize } from './statusSize';
import { DEFAULT_STATUS_MAX_BYTES, parseStatusFile } from './statusFile';
import {
  markConfigureFailed,
  markConfigureSucceeded,
  markDeleteFailed,
  markPipeline,
  markSuspended,
  markWorkflowRunning,
  markWorksFailed,
  withPendingMessage,
} from './lifecycle';
import { withPromiseAvailability } from './promiseAvailability';
import { parseWorkflowControl, WorkflowControl } from './workflowControl';
import { floorRetryAfter } from './retryAfterFloor';
import { DEFAULT_OUTPUT_LIMITS, parseDestinationSelectors } from './outputs';
import { workloadGroups } from './workPlacement';
import { dependencyGroups } from './dependencies';
import { WriteWorksOptions, writeWorks } from './writeWorks';

/** The container name under which the engine writes its own lines to a pipeline's log. */
export const ENGINE_LOG_CONTAINER = 'kratix';

export type WorkflowEvent =
  | { type: 'pipeline-started'; pipeline: string; index: number; runId: string }
  | { type: 'pipeline-log'; pipeline: string; container: string; chunk: string }
  | { type: 'pipeline-succeeded'; pipeline: string }
  | {
      type: 'pipeline-failed';
      pipeline: string;
      message: string;
      exitCode: number;
    }
  | { type: 'status-changed'; object: KratixObject }
  | { type: 'warning'; pipeline: string; message: string };

export interface ExecuteWorkflowOptions {
  /** With its current status (undefined for a new Resource). */
  object: KratixObject;
  promise: ParsedPromise;
  workflow: WorkflowRef;
  runner: PipelineRunner;
  stateStore: StateStore;
  destinations: Destination[];
  /** Where the object's Works went before; a Resource's stay there. */
  placements?: WorkPlacements;
  /** Persists the object; returns what was saved. */
  save(object: KratixObject): Promise<KratixObject>;
  /** Resume: index of the first pipeline to run (earlier ones completed). */
  startAt?: number;
  strategy?: MergeStrategy;
  statusMaxBytes?: number;
  /** All outputs of one pipeline together, in bytes. */
  outputMaxBytes?: number;
  /** The least `retryAfter` (retryAfterFloor.ts); none by default. */
  retryAfterMinMs?: number;
  now?: () => Date;
  /** Cancellation, e.g. superseded by a newer spec. */
  signal?: AbortSignal;
  /** Superseded (a newer spec, a delete): stops before the next pipeline. */
  superseded?: AbortSignal;
  onEvent?(event: WorkflowEvent): void;
}

export interface WorkflowResult {
  /** `suspended`: a pipeline's workflow-control.yaml stopped the workflow. */
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'suspended';
  object: KratixObject;
  failedPipeline?: string;
  /** Suspended with `retryAfter`: when the suspended pipeline runs again. */
  retryAt?: Date;
}

/** A refusal by the engine after the containers succeeded. */
class PipelineFailure extends Error {}

interface Failure {
  message: string;
  exitCode: number;
}

/** What one run of `executeWorkflow` shares between its steps. */
interface Run {
  options: ExecuteWorkflowOptions;
  object: KratixObject;
  now(): Date;
  emit(event: WorkflowEvent): void;
  log(pipeline: string, line: string): void;
  save(status: KratixStatus): Promise<void>;
}

/** The KRATIX_* variables every container of the pipeline gets. */
export function pipelineEnv(
  object: KratixObject,
  promise: ParsedPromise,
  workflow: WorkflowRef,
  pipeline: Pipeline,
): Record<string, string> {
  const slash = object.apiVersion.indexOf('/');
  // As upstream: a Promise workflow's object is the cluster-scoped Promise.
  const isPromise = workflow.type === 'promise';
  return {
    KRATIX_WORKFLOW_ACTION: workflow.action,
    KRATIX_WORKFLOW_TYPE: workflow.type,
    KRATIX_PROMISE_NAME: promise.name,
    KRATIX_PIPELINE_NAME: pipeline.name,
    KRATIX_OBJECT_KIND: object.kind,
    KRATIX_OBJECT_GROUP: slash >= 0 ? object.apiVersion.slice(0, slash) : '',
    KRATIX_OBJECT_VERSION: object.apiVersion.slice(slash + 1),
    KRATIX_OBJECT_NAME: object.metadata.name,
    KRATIX_OBJECT_NAMESPACE: isPromise
      ? ''
      : object.metadata.namespace ?? DEFAULT_NAMESPACE,
    KRATIX_CRD_PLURAL: isPromise ? 'promises' : promise.api?.plural ?? '',
    KRATIX_CLUSTER_SCOPED: String(isPromise || !!promise.api?.clusterScoped),
  };
}

/** Runs `work`, turning any error into a PipelineFailure with its message. */
async function refuse<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw new PipelineFailure((e as Error).message);
  }
}

/**
 * Runs a workflow of an object: marks it running, runs its pipelines in
 * order, and records the outcome in the status, saving after every step.
 * A failing pipeline is an outcome, not an exception; errors of `save` or
 * the StateStore are thrown.
 */
export async function executeWorkflow(
  options: ExecuteWorkflowOptions,
): Promise<WorkflowResult> {
  const { workflow, signal } = options;
  const configure = workflow.action === 'configure';
  const pipelines = getWorkflowPipelines(options.promise, workflow);
  const startAt = options.startAt ?? 0;
  const generation = options.object.metadata.generation ?? 1;
  const emit = (event: WorkflowEvent) => options.onEvent?.(event);
  const run: Run = {
    options,
    object: options.object,
    now: options.now ?? (() => new Date()),
    emit,
    log: (pipeline, line) =>
      emit({
        type: 'pipeline-log',
        pipeline,
        container: ENGINE_LOG_CONTAINER,
        chunk: `${line}\n`,
      }),
    save: async next => {
      // A Promise's Available and status.status follow its conditions.
      const status =
        workflow.type === 'promise'
          ? withPromiseAvailability(next, run.now())
          : next;
      run.object = await options.save({
        ...run.object,
        status,
      } as KratixObject);
      emit({ type: 'status-changed', object: run.object });
    },
  };
  if (signal?.aborted) return { outcome: 'cancelled', object: run.object };

  const before = run.object.status;
  await run.save(
    markWorkflowRunning(
      configure ? withPendingMessage(before) : { ...before },
      {
        configure,
        pipelines: pipelines.map(p => p.name),
        startAt,
        now: run.now(),
      },
    ),
  );

  let outputsPlaced =
    configure && workflow.type === 'promise'
      ? await writeDependencies(run, pipelines[0]?.name)
      : true;
  for (let index = startAt; index < pipelines.length; index++) {
    const pipeline = pipelines[index];
    // The running pipeline has ended: a newer run takes over from here.
    if (index > startAt && options.superseded?.aborted) {
      return { outcome: 'cancelled', object: run.object };
    }
    const result = await runPipeline(run, pipeline, index);
    if (result === 'cancelled') {
      await run.save(
        markPipeline(
          run.object.status!,
          pipeline.name,
          'Pending',
          run.now(),
          'Cancelled',
        ),
      );
      return { outcome: 'cancelled', object: run.object };
    }
    if ('failure' in result) {
      await recordFailure(
        run,
        pipeline.name,
        result.failure,
        index,
        pipelines.length,
      );
      return {
        outcome: 'failed',
        object: run.object,
        failedPipeline: pipeline.name,
      };
    }
    emit({ type: 'pipeline-succeeded', pipeline: pipeline.name });
    if ('suspended' in result) {
      return { outcome: 'suspended', object: run.object, ...result.suspended };
    }
    outputsPlaced = outputsPlaced && result.placed;
  }

  if (configure) {
    await run.save(
      markConfigureSucceeded(run.object.status!, {
        type: workflow.type,
        generation,
        pipelineCount: pipelines.length,
        outputsPlaced,
        now: run.now(),
      }),
    );
  }
  return { outcome: 'succeeded', object: run.object };
}

async function recordFailure(
  run: Run,
  pipeline: string,
  failure: Failure,
  index: number,
  pipelineCount: number,
): Promise<void> {
  run.log(pipeline, `pipeline ${pipeline} failed: ${failure.message}`);
  run.emit({ type: 'pipeline-failed', pipeline, ...failure });
  const now = run.now();
  const status = markPipeline(
    run.object.status!,
    pipeline,
    'Failed',
    now,
    failure.message,
  );
  await run.save(
    run.options.workflow.action === 'configure'
      ? markConfigureFailed(status, {
          pipeline,
          pipelineCount,
          succeeded: index,
          now,
        })
      : markDeleteFailed(status, now),
  );
}

/** One pipeline, through the runner; then its outputs applied. */
async function runPipeline(
  run: Run,
  pipeline: Pipeline,
  index: number,
): Promise<'cancelled' | { failure: Failure } | Applied> {
  const { options } = run;
  const runId = randomUUID();
  run.emit({ type: 'pipeline-started', pipeline: pipeline.name, index, runId });
  await run.save(
    markPipeline(run.object.status!, pipeline.name, 'Running', run.now()),
  );

  const signal = options.signal ?? new AbortController().signal;
  try {
    let result;
    try {
      result = await options.runner.run({
        runId,
        pipeline,
        env: pipelineEnv(
          run.object,
          options.promise,
          options.workflow,
          pipeline,
        ),
        objectYaml: stringify(run.object),
        statusMaxBytes: options.statusMaxBytes ?? DEFAULT_STATUS_MAX_BYTES,
        outputMaxBytes:
          options.outputMaxBytes ?? DEFAULT_OUTPUT_LIMITS.maxBytes,
        collectOutputs: options.workflow.action === 'configure',
        signal,
        onLog: (container, chunk) =>
          run.emit({
            type: 'pipeline-log',
            pipeline: pipeline.name,
            container,
            chunk,
          }),
      });
    } catch (e) {
      if (e instanceof RunnerUnavailableError) throw e;
      if (signal.aborted) return 'cancelled';
      return {
        failure: {
          message: `the pipeline could not run: ${(e as Error).message}`,
          exitCode: -1,
        },
      };
    }
    if (signal.aborted) return 'cancelled';
    if (!result.succeeded) {
      // As the runners word it.
      const where = result.failedContainer
        ? `Container ${result.failedContainer} `
        : '';
      return {
        failure: {
          message:
            result.message ?? `${where}exited with code ${result.exitCode}`,
          exitCode: result.exitCode,
        },
      };
    }
    return await applyResults(run, pipeline.name, result.outputs);
  } catch (e) {
    if (e instanceof PipelineFailure)
      return { failure: { message: e.message, exitCode: 0 } };
    throw e;
  }
}

function warn(run: Run, pipeline: string, message: string) {
  run.log(pipeline, `warning: ${message}`);
  run.emit({ type: 'warning', pipeline, message });
}

/** A pipeline's results applied: its outputs placed, or the workflow suspended. */
type Applied = { placed: boolean } | { suspended: { retryAt?: Date } };

/**
 * After a pipeline succeeded: merges its status.yaml, writes its outputs
 * (configure only) and saves. `placed` is false when some output matched
 * no Destination. A workflow-control.yaml that suspends writes no outputs
 * and marks the pipeline Suspended. Throws PipelineFailure when a file is
 * invalid, or the status would grow past `statusMaxBytes`.
 */
async function applyResults(
  run: Run,
  pipeline: string,
  outputs: PipelineOutputs,
): Promise<Applied> {
  const { options } = run;
  const now = run.now();
  let status = run.object.status!;
  const control = await readControl(run, pipeline, outputs);
  const file = outputs.statusFile;
  if (file) {
    const parsed = await refuse(() =>
      parseStatusFile(file, {
        maxBytes: options.statusMaxBytes,
        promise: options.workflow.type === 'promise',
      }),
    );
    parsed.warnings.forEach(w => warn(run, pipeline, w));
    if (parsed.patch) {
      const merged = mergeStatus(
        status,
        parsed.patch,
        options.strategy ?? 'deep',
        now,
      );
      await refuse(() =>
        checkMergedStatusSize(status, merged, options.statusMaxBytes),
      );
      status = merged;
    }
  }
  if (control?.suspend) return suspend(run, pipeline, status, control);
  let placed = true;
  if (options.workflow.action === 'configure') {
    try {
      placed = await writeOutputs(run, pipeline, outputs);
    } catch (e) {
      if (e instanceof PipelineFailure) throw e;
      // Not the pipeline's fault: recorded, then thrown on to be retried.
      await run.save(
        markWorksFailed(
          run.object.status!,
          `the outputs of pipeline ${pipeline} could not be written: ${
            (e as Error).message
          }`,
          run.now(),
        ),
      );
      throw e;
    }
  }
  await run.save(markPipeline(status, pipeline, 'Succeeded', now));
  return { placed };
}

/** The pipeline's workflow-control.yaml, checked; undefined when absent. */
async function readControl(
  run: Run,
  pipeline: string,
  outputs: PipelineOutputs,
): Promise<WorkflowControl | undefined> {
  const file = outputs.workflowControl;
  if (!file) return undefined;
  const control = await refuse(() => parseWorkflowControl(file));
  control?.warnings.forEach(w => warn(run, pipeline, w));
  const floor = run.options.retryAfterMinMs;
  if (control?.retryAfterMs !== undefined && floor !== undefined) {
    const floored = floorRetryAfter(control.retryAfterMs, floor);
    if (floored.warning) warn(run, pipeline, floored.warning);
    return { ...control, retryAfterMs: floored.retryAfterMs };
  }
  return control;
}

/** Stops the workflow at `pipeline`, as its workflow-control.yaml asks. */
async function suspend(
  run: Run,
  pipeline: string,
  status: KratixStatus,
  control: WorkflowControl,
): Promise<Applied> {
  const now = run.now();
  const retryAt =
    control.retryAfterMs !== undefined
      ? new Date(now.getTime() + control.retryAfterMs)
      : undefined;
  run.log(
    pipeline,
    `workflow suspended by /kratix/metadata/workflow-control.yaml${
      retryAt ? `; retry at ${retryAt.toISOString()}` : ''
    }; no outputs written`,
  );
  await run.save(
    markSuspended(status, {
      action: run.options.workflow.action,
      pipeline,
      generation: run.object.metadata.generation ?? 1,
      message: control.message,
      retryAt,
      now,
    }),
  );
  return { suspended: { ...(retryAt && { retryAt }) } };
}

async function writeOutputs(
  run: Run,
  pipeline: string,
  outputs: PipelineOutputs,
): Promise<boolean> {
  const { files, destinationSelectors: selectorsFile } = outputs;
  const selectors = selectorsFile
    ? await refuse(() => parseDestinationSelectors(selectorsFile.toString()))
    : [];
  const groups = workloadGroups({
    files,
    selectors,
    promiseSelectors: run.options.promise.destinationSelectors,
  });
  return writeWorks(worksOf(run, pipeline, groups));
}

/** What writeWorks needs for this run's object. */
function worksOf(
  run: Run,
  pipeline: string,
  groups: WriteWorksOptions['groups'],
  logAs = pipeline,
): WriteWorksOptions {
  const { options, object } = run;
  return {
    type: options.workflow.type,
    promise: options.promise.name,
    name: object.metadata.name,
    namespace: object.metadata.namespace,
    pipeline,
    groups,
    destinations: options.destinations,
    stateStore: options.stateStore,
    placements: options.placements,
    warn: message => warn(run, logAs, message),
  };
}

/**
 * A Promise's `spec.dependencies`, written before its workflow as upstream;
 * warnings go to the log of its first pipeline.
 */
function writeDependencies(run: Run, firstPipeline = ''): Promise<boolean> {
  const groups = dependencyGroups(run.options.promise);
  return writeWorks(worksOf(run, '', groups, firstPipeline));
}
