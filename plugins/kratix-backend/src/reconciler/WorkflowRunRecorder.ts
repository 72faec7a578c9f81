import { WorkflowRunTrigger } from '@kratix-backstage/plugin-kratix-common';
import { WorkflowEvent, WorkflowRef } from '../engine';
import { ObjectKey } from '../database/ObjectStore';
import {
  PipelineRunUpdate,
  PipelineRunUpdates,
  RunLog,
} from '../database/RunLog';

/** Buffered log lines reach the store at least this often (live logs). */
export const LOG_FLUSH_MS = 500;
/** A container's buffered log is written at once when it grows this big. */
const LOG_FLUSH_BYTES = 64 * 1024;

interface PendingLog {
  pipeline: string;
  container: string;
  chunks: string[];
  length: number;
}

/**
 * Records a workflow run, its pipelines' phases and their logs in the store.
 * On start it resumes a run left Running by a crash: pipelines that
 * succeeded are not run again; the interrupted one re-runs from its start.
 *
 * Writes are batched, and stay in the order of the events: a phase change
 * is written on the next turn of the event loop, together with any other
 * that came meanwhile (a pipeline's end and the next one's start are one
 * statement) and after the logs buffered before it. Logs alone are written
 * every LOG_FLUSH_MS, one append per container.
 */
export class WorkflowRunRecorder {
  private readonly indexes = new Map<string, number>();
  /** Phase changes not written yet, in order. */
  private phases: PipelineRunUpdates = [];
  /** Log chunks not written yet, per container, in the order they first logged. */
  private logs = new Map<string, PendingLog>();
  private scheduled?: { soon: boolean; cancel(): void };
  /** The writes, one batch after the other. */
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: RunLog,
    readonly runId: string,
    readonly startAt: number,
    pipelines: string[],
  ) {
    pipelines.forEach((name, i) => this.indexes.set(name, i));
  }

  static async start(options: {
    store: RunLog;
    key: ObjectKey;
    workflow: WorkflowRef;
    generation: number;
    trigger?: WorkflowRunTrigger;
    pipelines: string[];
  }): Promise<WorkflowRunRecorder> {
    const { store, key, workflow, generation, trigger, pipelines } = options;
    const interrupted = await store.findInterruptedRun(key);
    if (interrupted) {
      const same =
        interrupted.type === workflow.type &&
        interrupted.action === workflow.action &&
        interrupted.generation === generation &&
        interrupted.pipelines.map(p => p.name).join('\n') ===
          pipelines.join('\n');
      if (same) {
        const done = interrupted.pipelines.findIndex(
          p => p.phase !== 'Succeeded',
        );
        const startAt = done < 0 ? pipelines.length : done;
        return new WorkflowRunRecorder(
          store,
          interrupted.id,
          startAt,
          pipelines,
        );
      }
      await store.finishWorkflowRun(interrupted.id, {
        phase: 'Cancelled',
        message: 'Interrupted; superseded by a newer run',
      });
    }
    const runId = await store.createWorkflowRun({
      key,
      type: workflow.type,
      action: workflow.action,
      generation,
      trigger,
      pipelines,
    });
    return new WorkflowRunRecorder(store, runId, 0, pipelines);
  }

  onEvent(event: WorkflowEvent): void {
    const now = new Date().toISOString();
    const index = (name: string) => this.indexes.get(name) ?? -1;
    switch (event.type) {
      case 'pipeline-started':
        this.phaseChanged(event.index, { phase: 'Running', startedAt: now });
        break;
      case 'pipeline-log':
        this.logged(event.pipeline, event.container, event.chunk);
        break;
      case 'pipeline-succeeded':
        this.phaseChanged(index(event.pipeline), {
          phase: 'Succeeded',
          finishedAt: now,
          exitCode: 0,
        });
        break;
      case 'pipeline-failed':
        this.phaseChanged(index(event.pipeline), {
          phase: 'Failed',
          finishedAt: now,
          exitCode: event.exitCode,
          message: event.message,
        });
        break;
      default:
    }
  }

  /** Writes what is buffered, then records the run's end. */
  async finish(
    outcome: 'succeeded' | 'failed' | 'cancelled',
    message?: string,
  ): Promise<void> {
    await this.flush();
    const phase = {
      succeeded: 'Succeeded',
      failed: 'Failed',
      cancelled: 'Cancelled',
    } as const;
    await this.store.finishWorkflowRun(this.runId, {
      phase: phase[outcome],
      message,
    });
  }

  private phaseChanged(index: number, update: PipelineRunUpdate): void {
    this.phases.push({ index, update });
    this.schedule('soon');
  }

  private logged(pipeline: string, container: string, chunk: string): void {
    const id = `${pipeline}\n${container}`;
    let log = this.logs.get(id);
    if (!log) {
      log = { pipeline, container, chunks: [], length: 0 };
      this.logs.set(id, log);
    }
    log.chunks.push(chunk);
    log.length += chunk.length;
    this.schedule(log.length >= LOG_FLUSH_BYTES ? 'soon' : 'later');
  }

  /** 'soon': the next turn of the event loop; 'later': LOG_FLUSH_MS. */
  private schedule(when: 'soon' | 'later'): void {
    if (this.scheduled) {
      if (when === 'later' || this.scheduled.soon) return;
      this.scheduled.cancel();
    }
    const flush = () => {
      this.scheduled = undefined;
      void this.flush();
    };
    if (when === 'soon') {
      const immediate = setImmediate(flush);
      this.scheduled = { soon: true, cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(flush, LOG_FLUSH_MS);
      this.scheduled = { soon: false, cancel: () => clearTimeout(timer) };
    }
  }

  /** Writes everything buffered, after the writes before; failures are dropped. */
  private flush(): Promise<void> {
    this.scheduled?.cancel();
    this.scheduled = undefined;
    const logs = [...this.logs.values()];
    const phases = this.phases;
    this.logs = new Map();
    this.phases = [];
    if (logs.length === 0 && phases.length === 0) return this.chain;
    const ignore = () => undefined;
    this.chain = this.chain.then(async () => {
      for (const log of logs) {
        await this.store
          .appendLog(
            this.runId,
            log.pipeline,
            log.container,
            log.chunks.join(''),
          )
          .catch(ignore);
      }
      if (phases.length > 0) {
        await this.store.updatePipelineRuns(this.runId, phases).catch(ignore);
      }
    });
    return this.chain;
  }
}
