import { WorkflowEvent, WorkflowRef } from '../engine';
import { KratixStore, ObjectKey } from '../database/KratixStore';

/**
 * Records a workflow run, its pipelines' phases and their logs in the store.
 * On start it resumes a run left Running by a crash: pipelines that
 * succeeded are not run again; the interrupted one re-runs from its start.
 */
export class WorkflowRunRecorder {
  private readonly indexes = new Map<string, number>();
  /** Log and phase writes, in the order the events came. */
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: KratixStore,
    readonly runId: string,
    readonly startAt: number,
    pipelines: string[],
  ) {
    pipelines.forEach((name, i) => this.indexes.set(name, i));
  }

  static async start(options: {
    store: KratixStore;
    key: ObjectKey;
    workflow: WorkflowRef;
    generation: number;
    pipelines: string[];
  }): Promise<WorkflowRunRecorder> {
    const { store, key, workflow, generation, pipelines } = options;
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
      pipelines,
    });
    return new WorkflowRunRecorder(store, runId, 0, pipelines);
  }

  onEvent(event: WorkflowEvent): void {
    const now = () => new Date().toISOString();
    const index = (name: string) => this.indexes.get(name) ?? -1;
    switch (event.type) {
      case 'pipeline-started':
        this.enqueue(() =>
          this.store.updatePipelineRun(this.runId, event.index, {
            phase: 'Running',
            startedAt: now(),
          }),
        );
        break;
      case 'pipeline-log':
        this.enqueue(() =>
          this.store.appendLog(
            this.runId,
            event.pipeline,
            event.container,
            event.chunk,
          ),
        );
        break;
      case 'pipeline-succeeded':
        this.enqueue(() =>
          this.store.updatePipelineRun(this.runId, index(event.pipeline), {
            phase: 'Succeeded',
            finishedAt: now(),
            exitCode: 0,
          }),
        );
        break;
      case 'pipeline-failed':
        this.enqueue(() =>
          this.store.updatePipelineRun(this.runId, index(event.pipeline), {
            phase: 'Failed',
            finishedAt: now(),
            exitCode: event.exitCode,
            message: event.message,
          }),
        );
        break;
      default:
    }
  }

  async finish(
    outcome: 'succeeded' | 'failed' | 'cancelled',
    message?: string,
  ): Promise<void> {
    await this.chain;
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

  private enqueue(write: () => Promise<void>): void {
    this.chain = this.chain.then(write).catch(() => undefined);
  }
}
