// The record of workflow runs: each run's pipelines and their logs.
import {
  ContainerLog,
  PipelinePhase,
  WorkflowAction,
  WorkflowRun,
  WorkflowRunTrigger,
  WorkflowType,
} from '@kratix-backstage/plugin-kratix-common';
import { ObjectKey } from './ObjectStore';

export interface NewWorkflowRun {
  key: ObjectKey;
  type: WorkflowType;
  action: WorkflowAction;
  generation: number;
  /** Why it started, when known. */
  trigger?: WorkflowRunTrigger;
  /** Pipeline names, in the order they run. */
  pipelines: string[];
}

export interface PipelineRunUpdate {
  phase: PipelinePhase;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  message?: string;
}

/** Updates of pipelines of one run, in the order they happened. */
export type PipelineRunUpdates = Array<{
  index: number;
  update: PipelineRunUpdate;
}>;

export interface WorkflowRunFinish {
  /** Cancelled is stored as Failed, with the message "Cancelled" by default. */
  phase: 'Succeeded' | 'Failed' | 'Cancelled';
  message?: string;
  /** ISO 8601; now by default. */
  finishedAt?: string;
}

/** A workflow run with the object it ran for. */
export interface StoredWorkflowRun extends WorkflowRun {
  key: ObjectKey;
  message?: string;
}

export interface RunLog {
  /** Starts a run in phase Running, its pipelines Pending; returns its id. */
  createWorkflowRun(run: NewWorkflowRun): Promise<string>;
  updatePipelineRun(
    runId: string,
    pipelineIndex: number,
    update: PipelineRunUpdate,
  ): Promise<void>;
  /** Several updates in one write; an index given twice gets both, in order. */
  updatePipelineRuns(runId: string, updates: PipelineRunUpdates): Promise<void>;
  /** Pipelines still Running are marked Failed unless the run Succeeded. */
  finishWorkflowRun(runId: string, finish: WorkflowRunFinish): Promise<void>;
  getWorkflowRun(runId: string): Promise<StoredWorkflowRun | undefined>;
  /** Newest first. */
  listWorkflowRuns(
    key: ObjectKey,
    options?: { limit?: number },
  ): Promise<StoredWorkflowRun[]>;
  /** The newest run still Running, left by a crash. */
  findInterruptedRun(key: ObjectKey): Promise<StoredWorkflowRun | undefined>;
  /** Keeps the first `maxLogBytes` (UTF-8) per container; then `truncated`. */
  appendLog(
    runId: string,
    pipeline: string,
    container: string,
    chunk: string,
  ): Promise<void>;
  /** In the order the containers first logged. */
  getLogs(runId: string): Promise<ContainerLog[]>;
}
