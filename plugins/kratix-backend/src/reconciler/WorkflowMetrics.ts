// The engine's metrics, through Backstage's metrics service (OpenTelemetry):
// what platform teams watch to see whether workflows succeed and keep up.
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { WorkflowAction } from '@kratix-backstage/plugin-kratix-common';
import { WorkflowEvent } from '../engine';

export interface WorkflowMetricAttributes {
  [key: string]: string;
  promise: string;
  /** `resource` or `promise` */
  type: string;
  action: WorkflowAction;
}

/** One running workflow: feed it the workflow's events, then its outcome. */
export interface ObservedWorkflow {
  onEvent(event: WorkflowEvent): void;
  finish(outcome: 'succeeded' | 'failed' | 'cancelled'): void;
}

const seconds = (sinceMs: number) => (performance.now() - sinceMs) / 1000;

export class WorkflowMetrics {
  private readonly runs;
  private readonly duration;
  private readonly pipelineDuration;
  private readonly running;

  /** `claimable`: counts the queue entries waiting for a worker now. */
  constructor(metrics: MetricsService, claimable: () => Promise<number>) {
    this.runs = metrics.createCounter<Record<string, string>>(
      'kratix.workflow.runs',
      { description: 'Workflows run, by Promise, type, action and outcome' },
    );
    this.duration = metrics.createHistogram<Record<string, string>>(
      'kratix.workflow.duration',
      { description: 'Time a workflow took, start to end', unit: 's' },
    );
    this.pipelineDuration = metrics.createHistogram<Record<string, string>>(
      'kratix.pipeline.duration',
      { description: 'Time a pipeline took, by its phase', unit: 's' },
    );
    this.running = metrics.createUpDownCounter<Record<string, string>>(
      'kratix.workflows.running',
      { description: 'Workflows running in this backend' },
    );
    metrics
      .createObservableGauge('kratix.queue.claimable', {
        description: 'Objects waiting for a worker: due and not leased',
      })
      .addCallback(async result => {
        result.observe(await claimable().catch(() => 0));
      });
  }

  start(attributes: WorkflowMetricAttributes): ObservedWorkflow {
    const started = performance.now();
    const pipelines = new Map<string, number>();
    const { type, action } = attributes;
    this.running.add(1, { type, action });
    let finished = false;
    return {
      onEvent: event => {
        if (event.type === 'pipeline-started') {
          pipelines.set(event.pipeline, performance.now());
        } else if (
          event.type === 'pipeline-succeeded' ||
          event.type === 'pipeline-failed'
        ) {
          const since = pipelines.get(event.pipeline);
          if (since === undefined) return;
          this.pipelineDuration.record(seconds(since), {
            ...attributes,
            pipeline: event.pipeline,
            phase: event.type === 'pipeline-succeeded' ? 'Succeeded' : 'Failed',
          });
        }
      },
      finish: outcome => {
        if (finished) return;
        finished = true;
        this.running.add(-1, { type, action });
        this.runs.add(1, { ...attributes, outcome });
        this.duration.record(seconds(started), { ...attributes, outcome });
      },
    };
  }
}
