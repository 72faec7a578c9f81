/** @public */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** A Kubernetes-style condition. @public */
export interface KratixCondition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  /** RFC 3339, UTC, seconds. */
  lastTransitionTime?: string;
}

/** @public */
export type HealthState =
  | 'unknown'
  | 'ready'
  | 'healthy'
  | 'degraded'
  | 'unhealthy';

/** `status.healthRecord`, as the seeds show it. @public */
export interface HealthRecordStatus {
  state: HealthState;
  lastRun?: number;
  details?: unknown;
}

/** `status.healthStatus`, the aggregate over all records. @public */
export interface HealthStatus {
  state: HealthState;
  healthRecords: Array<{
    state: HealthState;
    lastRun?: number;
    source: { name: string; namespace: string };
    details?: unknown;
  }>;
}

/** @public */
export type PipelinePhase =
  | 'Pending'
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  /** Stopped by the pipeline's `workflow-control.yaml` (status only). */
  | 'Suspended';

/** One entry of `status.kratix.workflows.pipelines`. @public */
export interface PipelineStatus {
  name: string;
  phase: PipelinePhase;
  lastTransitionTime?: string;
  message?: string;
  /** Suspended with `retryAfter`: when it runs again (RFC 3339). */
  nextRetryAt?: string;
  /** Suspended with `retryAfter`: how many times in a row. */
  attempts?: number;
}

/** The status of a Promise or Resource. Any other key is the pipelines'. @public */
export interface KratixStatus {
  message?: string;
  conditions?: KratixCondition[];
  observedGeneration?: number;
  workflows?: number;
  workflowsSucceeded?: number;
  workflowsFailed?: number;
  /** Also under `kratix.workflows`, as upstream. */
  lastSuccessfulConfigureWorkflowTime?: string;
  healthRecord?: HealthRecordStatus;
  healthStatus?: HealthStatus;
  kratix?: {
    workflows?: {
      pipelines?: PipelineStatus[];
      lastSuccessfulConfigureWorkflowTime?: string;
      /** The generation a `workflow-control.yaml` suspended. */
      suspendedGeneration?: number;
    };
  };
  [key: string]: unknown;
}

/** @public */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  generation?: number;
  resourceVersion?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
}

/** A Resource: a request for a Promise, as a Kubernetes-style object. @public */
export interface KratixResource {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: KratixStatus;
}

/** @public */
export interface KratixPromise {
  apiVersion: 'platform.kratix.io/v1alpha1';
  kind: 'Promise';
  metadata: ObjectMeta;
  spec: Record<string, unknown>;
  status?: KratixStatus;
}

/** @public */
export type WorkflowType = 'resource' | 'promise';
/** @public */
export type WorkflowAction = 'configure' | 'delete';

/** One pipeline of a workflow run, as the REST API reports it. @public */
export interface PipelineRun {
  name: string;
  phase: PipelinePhase;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  message?: string;
}

/** Why a workflow run started. @public */
export type WorkflowRunTrigger =
  | 'create'
  | 'spec-change'
  | 'manual'
  | 'interval'
  | 'retry'
  | 'promise-change'
  | 'delete';

/** A workflow run, as the REST API reports it. @public */
export interface WorkflowRun {
  id: string;
  type: WorkflowType;
  action: WorkflowAction;
  /** The object's generation the run was started for. */
  generation: number;
  /** Why the run started; unknown for older runs and in observe mode. */
  trigger?: WorkflowRunTrigger;
  phase: PipelinePhase;
  startedAt?: string;
  finishedAt?: string;
  pipelines: PipelineRun[];
}

/** A HealthRecord document (`platform.kratix.io/v1alpha1`). @public */
export interface HealthRecord {
  apiVersion: 'platform.kratix.io/v1alpha1';
  kind: 'HealthRecord';
  metadata: { name: string; namespace?: string };
  data: {
    promiseRef: { name: string };
    resourceRef: { name: string; namespace?: string };
    state?: HealthState;
    lastRun?: number;
    details?: unknown;
  };
}

/** A list answer of the REST API. @public */
export interface ListResponse<T> {
  items: T[];
}

/** The logs of one container of a pipeline run. @public */
export interface ContainerLog {
  pipeline: string;
  container: string;
  log: string;
  /** True when the log was cut at the configured size limit. */
  truncated: boolean;
}

/** What the signal channel of a Resource carries on every status change. @public */
export interface ResourceStatusSignal {
  resourceVersion: string;
  generation?: number;
  /** Only when the backend sets `kratix.signals.includeStatus: true`. */
  status?: KratixStatus;
  /** True when the Resource was deleted. */
  deleted?: boolean;
}
