// The status upstream Kratix leaves on a Resource after its configure
// workflow: what each pipeline wrote to /kratix/metadata/status.yaml,
// merged, and what Kratix owns (conditions, counts, kratix.workflows).
// Built with the plugin's engine functions, which follow upstream.
import {
  KratixStatus,
  PipelinePhase,
} from '@kratix-backstage/plugin-kratix-common';
import {
  Pipeline,
  markConfigureFailed,
  markConfigureSucceeded,
  markPipeline,
  markWorkflowRunning,
  mergeStatus,
  withPendingMessage,
} from '../../plugins/kratix-backend/src/engine';

/** What one pipeline did: the status.yaml it wrote, or how it failed. */
export type PipelineResult =
  | { status: Record<string, unknown> }
  | { failedContainer: string; exitCode: number };

/**
 * What the demo's pipelines (examples/kratix/promises.yaml) do for the
 * demo's Resources (examples/kratix/resources.yaml), by Resource ref and
 * pipeline. A pipeline not named here writes no status.
 */
export const DEMO_PIPELINES: Record<string, Record<string, PipelineResult>> = {
  'iam/default/payments-user': {
    'create-user': {
      status: {
        iam: { user: 'admin' },
        message: 'User created, next step is to create vault secret for user',
      },
    },
    'populate-vault': {
      status: {
        message: 'User created and vault secret created',
        iam: { password: '<vault-ref>' },
      },
    },
  },
  'elastic-cloud/default/example': {
    'instance-configure': {
      status: {
        message:
          'Instance example provisioned with preconfigured system metrics',
        initialLoginDetails: {
          username: 'elastic',
          passwordSecretName: 'example-es-elastic-user',
        },
      },
    },
  },
  'postgresql/default/orders-db': {
    'create-database': {
      status: {
        message: 'Database created, configuring backups',
        connectionDetails: { host: 'orders-db.db.internal', dbName: 'app' },
      },
    },
    'configure-backups': { failedContainer: 'backups', exitCode: 3 },
  },
};

/** A pipeline that ran: its Job's times, and how it ended. */
export interface PipelineRan {
  pipeline: Pipeline;
  phase: PipelinePhase;
  startedAt: Date;
  finishedAt: Date;
  failure?: { container: string; exitCode: number };
}

/**
 * Runs a configure workflow on paper, from `start`, each pipeline taking
 * two seconds; it stops at the first failing pipeline, as Kratix does.
 */
export function configureWorkflow(
  pipelines: Pipeline[],
  results: Record<string, PipelineResult> = {},
  start: Date,
): { status: KratixStatus; ran: PipelineRan[] } {
  let clock = start.getTime();
  const tick = () => new Date((clock += 2000));
  let status = markWorkflowRunning(withPendingMessage(undefined), {
    configure: true,
    pipelines: pipelines.map(p => p.name),
    startAt: 0,
    now: new Date(clock),
  });
  const ran: PipelineRan[] = [];
  for (const [index, pipeline] of pipelines.entries()) {
    const startedAt = new Date(clock);
    status = markPipeline(status, pipeline.name, 'Running', startedAt);
    const result = results[pipeline.name] ?? { status: {} };
    const finishedAt = tick();
    if ('failedContainer' in result) {
      const message = `container ${result.failedContainer} exited with code ${result.exitCode}`;
      status = markConfigureFailed(
        markPipeline(status, pipeline.name, 'Failed', finishedAt, message),
        {
          pipeline: pipeline.name,
          pipelineCount: pipelines.length,
          succeeded: index,
          now: finishedAt,
        },
      );
      const failure = {
        container: result.failedContainer,
        exitCode: result.exitCode,
      };
      ran.push({ pipeline, phase: 'Failed', startedAt, finishedAt, failure });
      return { status, ran };
    }
    status = mergeStatus(status, result.status, 'deep', finishedAt);
    status = markPipeline(status, pipeline.name, 'Succeeded', finishedAt);
    ran.push({ pipeline, phase: 'Succeeded', startedAt, finishedAt });
  }
  status = markConfigureSucceeded(status, {
    type: 'resource',
    generation: 1,
    pipelineCount: pipelines.length,
    outputsPlaced: true,
    now: new Date(clock),
  });
  return { status, ran };
}
