// The work_placements table: one row per workload group and Destination.
// Rows go with their object (see objects.deleteObject).
import { WorkPlacement } from '../engine';
import { scopedKeyColumns, StoreContext } from './context';
import { ObjectKey } from './ObjectStore';

const TABLE = 'work_placements';

interface PlacementRow {
  pipeline: string;
  group_id: string;
  destination: string;
}

export async function listWorkPlacements(
  ctx: StoreContext,
  key: ObjectKey,
): Promise<WorkPlacement[]> {
  const rows: PlacementRow[] = await ctx
    .db(TABLE)
    .where(scopedKeyColumns(ctx, key))
    .select('pipeline', 'group_id', 'destination')
    .orderBy(['pipeline', 'group_id', 'destination']);
  return rows.map(r => ({
    pipeline: r.pipeline,
    groupId: r.group_id,
    destination: r.destination,
  }));
}

export async function replaceWorkPlacements(
  ctx: StoreContext,
  key: ObjectKey,
  pipeline: string,
  placements: WorkPlacement[],
): Promise<void> {
  await ctx.db.transaction(async trx => {
    await trx(TABLE)
      .where({ ...scopedKeyColumns(ctx, key), pipeline })
      .delete();
    if (placements.length === 0) return;
    await trx(TABLE).insert(
      placements.map(p => ({
        ...scopedKeyColumns(ctx, key),
        pipeline,
        group_id: p.groupId,
        destination: p.destination,
      })),
    );
  });
}

/** Within a transaction that deletes the object. */
export function deleteWorkPlacements(
  ctx: StoreContext,
  trx: StoreContext['db'],
  key: ObjectKey,
) {
  return trx(TABLE).where(scopedKeyColumns(ctx, key)).delete();
}
