// Workflow runs and their pipelines, for the run history and for resuming a
// run that a crash interrupted.
import { NotFoundError } from '@backstage/errors';
import {
  PipelinePhase,
  PipelineRun,
} from '@kratix-backstage/plugin-kratix-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  scopedKeyColumns,
  StoreContext,
  toIso,
  toMs,
  toNumber,
} from './context';
import {
  NewWorkflowRun,
  PipelineRunUpdate,
  PipelineRunUpdates,
  StoredWorkflowRun,
  WorkflowRunFinish,
} from './RunLog';
import { ObjectKey } from './ObjectStore';

interface RunRow {
  seq: number | string;
  id: string;
  kind: ObjectKey['kind'];
  promise: string;
  namespace: string;
  name: string;
  type: StoredWorkflowRun['type'];
  action: StoredWorkflowRun['action'];
  generation: number | string;
  trigger: StoredWorkflowRun['trigger'] | null;
  phase: PipelinePhase;
  message: string | null;
  started_at: number | string;
  finished_at: number | string | null;
}

interface PipelineRow {
  run_id: string;
  pipeline_index: number;
  name: string;
  phase: PipelinePhase;
  started_at: number | string | null;
  finished_at: number | string | null;
  exit_code: number | null;
  message: string | null;
}

function toPipelineRun(row: PipelineRow): PipelineRun {
  const run: PipelineRun = { name: row.name, phase: row.phase };
  if (row.started_at !== null) run.startedAt = toIso(row.started_at);
  if (row.finished_at !== null) run.finishedAt = toIso(row.finished_at);
  if (row.exit_code !== null) run.exitCode = row.exit_code;
  if (row.message !== null) run.message = row.message;
  return run;
}

/** Reads runs with their pipelines, in the order of `rows`. */
async function withPipelines(
  ctx: StoreContext,
  rows: RunRow[],
): Promise<StoredWorkflowRun[]> {
  if (rows.length === 0) return [];
  const pipelines = (await ctx
    .db<PipelineRow>('pipeline_runs')
    .whereIn(
      'run_id',
      rows.map(r => r.id),
    )
    .orderBy(['run_id', 'pipeline_index'])) as PipelineRow[];
  return rows.map(row => {
    const run: StoredWorkflowRun = {
      id: row.id,
      key: {
        kind: row.kind,
        promise: row.promise,
        namespace: row.namespace,
        name: row.name,
      },
      type: row.type,
      action: row.action,
      generation: toNumber(row.generation),
      phase: row.phase,
      startedAt: toIso(row.started_at),
      pipelines: pipelines.filter(p => p.run_id === row.id).map(toPipelineRun),
    };
    if (row.trigger) run.trigger = row.trigger;
    if (row.finished_at !== null) run.finishedAt = toIso(row.finished_at);
    if (row.message !== null) run.message = row.message;
    return run;
  });
}

export async function createWorkflowRun(
  ctx: StoreContext,
  run: NewWorkflowRun,
): Promise<string> {
  const id = randomUUID();
  await ctx.db.transaction(async trx => {
    await trx('workflow_runs').insert({
      id,
      ...scopedKeyColumns(ctx, run.key),
      type: run.type,
      action: run.action,
      generation: run.generation,
      trigger: run.trigger ?? null,
      phase: 'Running',
      started_at: ctx.now(),
    });
    if (run.pipelines.length > 0) {
      await trx('pipeline_runs').insert(
        run.pipelines.map((name, index) => ({
          run_id: id,
          pipeline_index: index,
          name,
          phase: 'Pending',
        })),
      );
    }
  });
  return id;
}

function pipelineChanges(update: PipelineRunUpdate): Partial<PipelineRow> {
  const changes: Partial<PipelineRow> = { phase: update.phase };
  if (update.startedAt !== undefined) {
    changes.started_at = toMs(update.startedAt, 'startedAt');
  }
  if (update.finishedAt !== undefined) {
    changes.finished_at = toMs(update.finishedAt, 'finishedAt');
  }
  if (update.exitCode !== undefined) changes.exit_code = update.exitCode;
  if (update.message !== undefined) changes.message = update.message;
  return changes;
}

export async function updatePipelineRun(
  ctx: StoreContext,
  runId: string,
  pipelineIndex: number,
  update: PipelineRunUpdate,
): Promise<void> {
  await updatePipelineRuns(ctx, runId, [{ index: pipelineIndex, update }]);
}

/**
 * Several updates of a run's pipelines, in order, in one statement: an
 * index updated twice gets both, the later winning.
 */
export async function updatePipelineRuns(
  ctx: StoreContext,
  runId: string,
  updates: PipelineRunUpdates,
): Promise<void> {
  const byIndex = new Map<number, Partial<PipelineRow>>();
  for (const { index, update } of updates) {
    byIndex.set(index, { ...byIndex.get(index), ...pipelineChanges(update) });
  }
  if (byIndex.size === 0) return;
  let changes: Record<string, unknown>;
  if (byIndex.size === 1) {
    changes = [...byIndex.values()][0];
  } else {
    // Per column: CASE pipeline_index WHEN i THEN value ... ELSE column END
    changes = {};
    const columns = new Set(
      [...byIndex.values()].flatMap(c => Object.keys(c)),
    ) as Set<keyof PipelineRow>;
    for (const column of columns) {
      const cases = [...byIndex].filter(([, c]) => c[column] !== undefined);
      changes[column] = ctx.db.raw(
        `CASE ?? ${cases.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ?? END`,
        [
          'pipeline_index',
          ...cases.flatMap(([index, c]) => [index, c[column]!]),
          column,
        ],
      );
    }
  }
  const updated = await ctx
    .db('pipeline_runs')
    .where({ run_id: runId })
    .whereIn('pipeline_index', [...byIndex.keys()])
    .update(changes);
  if (updated !== byIndex.size) {
    throw new NotFoundError(
      `Pipeline ${[...byIndex.keys()].join(
        ', ',
      )} of workflow run ${runId} not found`,
    );
  }
}

export async function finishWorkflowRun(
  ctx: StoreContext,
  runId: string,
  finish: WorkflowRunFinish,
): Promise<void> {
  const finishedAt = finish.finishedAt
    ? toMs(finish.finishedAt, 'finishedAt')
    : ctx.now();
  const failed = finish.phase !== 'Succeeded';
  const message =
    finish.message ?? (finish.phase === 'Cancelled' ? 'Cancelled' : null);
  const finishRun = async (db: Knex) => {
    const updated = await db('workflow_runs')
      .where({ id: runId })
      .update({
        phase: failed ? 'Failed' : 'Succeeded',
        message,
        finished_at: finishedAt,
      });
    if (updated === 0) {
      throw new NotFoundError(`Workflow run ${runId} not found`);
    }
  };
  // Succeeded leaves the pipelines as they are: one statement, no transaction.
  if (!failed) {
    await finishRun(ctx.db);
    return;
  }
  await ctx.db.transaction(async trx => {
    await finishRun(trx);
    await trx('pipeline_runs')
      .where({ run_id: runId, phase: 'Running' })
      .update({
        phase: 'Failed',
        finished_at: finishedAt,
        ...(message === null ? {} : { message }),
      });
  });
}

export async function getWorkflowRun(ctx: StoreContext, runId: string) {
  const rows = (await ctx
    .db<RunRow>('workflow_runs')
    .where('id', runId)
    .andWhere('cluster', ctx.cluster)) as RunRow[];
  return (await withPipelines(ctx, rows))[0];
}

export async function listWorkflowRuns(
  ctx: StoreContext,
  key: ObjectKey,
  options?: { limit?: number; phase?: PipelinePhase },
) {
  const query = ctx
    .db<RunRow>('workflow_runs')
    .where(scopedKeyColumns(ctx, key))
    .orderBy('seq', 'desc');
  if (options?.phase) query.andWhere({ phase: options.phase });
  if (options?.limit !== undefined) query.limit(options.limit);
  return withPipelines(ctx, (await query) as RunRow[]);
}

export async function findInterruptedRun(ctx: StoreContext, key: ObjectKey) {
  const [run] = await listWorkflowRuns(ctx, key, {
    limit: 1,
    phase: 'Running',
  });
  return run;
}
