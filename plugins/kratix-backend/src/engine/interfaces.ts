// The narrow interfaces between the pure engine and its runners and stores.
import {
  KratixPromise,
  KratixResource,
  WorkflowAction,
  WorkflowType,
} from '@kratix-backstage/plugin-kratix-common';

/** A container of a Pipeline, as the Promise gives it. */
export interface PipelineContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: PipelineEnvVar[];
  /**
   * Upstream Container fields only a Pod applies (`envFrom`,
   * `volumeMounts`, `resources`, `securityContext`, `imagePullPolicy`),
   * as the Promise gives them; the process runner ignores them.
   */
  pod?: Record<string, unknown>;
}

/** A key of a Secret or ConfigMap, as Kubernetes names it. */
export interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

/** A container's env var: a `value`, or one read `valueFrom` elsewhere. */
export interface PipelineEnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: KeyRef;
    configMapKeyRef?: KeyRef;
    /** Other sources (fieldRef, resourceFieldRef): named, not resolved. */
    other?: string[];
  };
}

/** A Kratix Pipeline (`platform.kratix.io/v1alpha1`, kind Pipeline). */
export interface Pipeline {
  name: string;
  containers: PipelineContainer[];
  /**
   * Upstream Pipeline fields only a Pod applies (`imagePullSecrets`,
   * `volumes`, `rbac`, `nodeSelector`, `tolerations`), as the Promise
   * gives them; the process runner ignores them.
   */
  pod?: Record<string, unknown>;
}

/** The object a workflow runs for: a Resource or a Promise. */
export type KratixObject = KratixResource | KratixPromise;

export interface WorkflowRef {
  type: WorkflowType;
  action: WorkflowAction;
}

/** What a runner needs to run one pipeline. */
export interface PipelineRunRequest {
  /** Unique id of this pipeline run. */
  runId: string;
  pipeline: Pipeline;
  /** The KRATIX_* variables; containers add their own `env`. */
  env: Record<string, string>;
  /** The object, as YAML: the containers' /kratix/input/object.yaml. */
  objectYaml: string;
  /** Largest /kratix/metadata/status.yaml returned, in bytes. */
  statusMaxBytes: number;
  /** All files of /kratix/output together, in bytes. */
  outputMaxBytes: number;
  /**
   * Whether to return /kratix/output and destination-selectors.yaml
   * (configure workflows); status.yaml and workflow-control.yaml are
   * always returned.
   */
  collectOutputs: boolean;
  signal: AbortSignal;
  /** Called with each chunk a container writes to stdout or stderr. */
  onLog(container: string, chunk: string): void;
}

/** What a pipeline left for the engine, read within the request's limits. */
export interface PipelineOutputs {
  /** /kratix/metadata/status.yaml, when written. */
  statusFile?: Buffer;
  /** /kratix/metadata/workflow-control.yaml, when written. */
  workflowControl?: Buffer;
  /** /kratix/metadata/destination-selectors.yaml, when written and asked for. */
  destinationSelectors?: Buffer;
  /** Every file of /kratix/output, sorted by path (none unless asked for). */
  files: OutputFile[];
}

export interface SucceededPipelineRun {
  succeeded: true;
  /** Exit code of the last container that ran. */
  exitCode: number;
  outputs: PipelineOutputs;
}

export interface FailedPipelineRun {
  succeeded: false;
  /** Exit code of the last container that ran. */
  exitCode: number;
  failedContainer?: string;
  /**
   * Why it failed, for the run's log and the condition message: a failing
   * container, or an output refused (what and where).
   */
  message?: string;
}

export type PipelineRunResult = SucceededPipelineRun | FailedPipelineRun;

/** Runs the containers of one pipeline in order (process or Kubernetes). */
export interface PipelineRunner {
  /**
   * Resolves with the outcome, a failing pipeline included; throws
   * RunnerUnavailableError when it cannot run pipelines for now.
   */
  run(request: PipelineRunRequest): Promise<PipelineRunResult>;
}

/**
 * A runner could not start a run for a reason of its own, not the
 * pipeline's (e.g. no room for the run's folders). The workflow throws it
 * on: a reconcile error, retried with backoff, not a failed pipeline.
 */
export class RunnerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunnerUnavailableError';
  }
}

/** How a Destination lays out its files (upstream's `filepath.mode`). */
export type FilepathMode = 'nestedByMetadata' | 'aggregatedYAML' | 'none';

/** A configured Destination: a folder of the state store. */
export interface Destination {
  name: string;
  labels: Record<string, string>;
  /**
   * Only Works whose selectors pick it come here: a Work without selectors
   * skips it unless it has no labels (upstream's `strictMatchLabels`).
   */
  strictMatchLabels?: boolean;
  /** Default `nestedByMetadata`; `filename` only for `aggregatedYAML`. */
  filepath?: { mode: FilepathMode; filename?: string };
}

/** One workload group of an object's pipeline, written to one Destination. */
export interface WorkPlacement {
  /** The pipeline's name; '' for a Promise's `spec.dependencies`. */
  pipeline: string;
  /** md5 of the group's directory ('.' for the rest), as upstream. */
  groupId: string;
  destination: string;
}

/** Where an object's Works were placed, kept across runs. */
export interface WorkPlacements {
  list(): Promise<WorkPlacement[]>;
  /** Replaces the placements of one pipeline of the object. */
  replace(pipeline: string, placements: WorkPlacement[]): Promise<void>;
}

/** One file of a pipeline's `output/`, path relative and POSIX. */
export interface OutputFile {
  path: string;
  content: Buffer;
}

/** Where a configure pipeline's outputs land, per destination. */
export interface StateStore {
  /**
   * Replaces what this object's pipeline last wrote to the destination
   * with `files`.
   */
  writeWorkload(options: {
    destination: string;
    /** e.g. `resources/<namespace>/<promise>/<name>/<pipeline>/<id>` */
    workloadPath: string;
    files: OutputFile[];
  }): Promise<void>;
  /**
   * Removes everything the workload (or the workloads under it) wrote, in
   * `destination`, or in every destination when not given.
   */
  deleteWorkload(options: {
    workloadPath: string;
    destination?: string;
  }): Promise<void>;
}
