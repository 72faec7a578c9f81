// The durable work queue: one entry per object. A claim takes a lease, which
// is the object's lock: at most one workflow per object across all backends.
// Every write is one conditional statement, so concurrent backends on one
// database never both win (Postgres re-checks the WHERE of a blocked UPDATE;
// SQLite runs one statement at a time).
import { Knex } from 'knex';
import {
  keyColumns,
  scopedKeyColumns,
  StoreContext,
  toNumber,
} from './context';
import {
  ClaimOptions,
  CompleteResult,
  ReleaseOptions,
  WorkItem,
} from './WorkQueue';
import { ObjectKey } from './ObjectStore';

const TABLE = 'work_queue';
const KEY = ['cluster', 'kind', 'promise', 'namespace', 'name'];

interface QueueRow {
  id: number | string;
  kind: ObjectKey['kind'];
  promise: string;
  namespace: string;
  name: string;
  reason: string;
  seq: number | string;
  claimed_seq: number | string | null;
  not_before: number | string;
  owner: string | null;
  lease_until: number | string | null;
  failures: number | string;
}

/**
 * Upsert. A new request keeps the earliest notBefore and bumps seq; the
 * reason is the one of the request that decides when it runs, or of one
 * due now.
 */
export async function enqueue(
  ctx: StoreContext,
  key: ObjectKey,
  options: { reason: string; notBefore?: Date },
): Promise<void> {
  const now = ctx.now();
  const notBefore = options.notBefore?.getTime() ?? now;
  const { db } = ctx;
  // While a run holds a live lease, not_before is that run's: the first
  // request during the run replaces it, later ones keep the earliest.
  const earlier = db.raw('(?? IS NOT NULL AND ?? > ? AND ?? = ??) OR ? < ??', [
    `${TABLE}.owner`,
    `${TABLE}.lease_until`,
    now,
    `${TABLE}.seq`,
    `${TABLE}.claimed_seq`,
    notBefore,
    `${TABLE}.not_before`,
  ]);
  await db(TABLE)
    .insert({
      ...scopedKeyColumns(ctx, key),
      reason: options.reason,
      seq: 1,
      not_before: notBefore,
    })
    .onConflict(KEY)
    .merge({
      reason:
        notBefore <= now
          ? options.reason
          : db.raw('CASE WHEN ? THEN ? ELSE ?? END', [
              earlier,
              options.reason,
              `${TABLE}.reason`,
            ]),
      seq: db.raw('?? + 1', [`${TABLE}.seq`]),
      not_before: db.raw('CASE WHEN ? THEN ? ELSE ?? END', [
        earlier,
        notBefore,
        `${TABLE}.not_before`,
      ]),
    });
}

/** This cluster's, due (not_before passed) and free (no lease, or one run out). */
function whereClaimable(
  ctx: StoreContext,
  query: Knex.QueryBuilder,
  now: number,
) {
  return query
    .where('cluster', ctx.cluster)
    .andWhere('not_before', '<=', now)
    .andWhere(free =>
      free.whereNull('lease_until').orWhere('lease_until', '<=', now),
    );
}

/**
 * One statement: updates the first free due entry, chosen by a subquery.
 * SQLite runs it alone; on Postgres the subquery locks the row it picks
 * and skips rows that other claimers hold (FOR UPDATE SKIP LOCKED), so
 * concurrent claimers get different entries without retrying.
 */
export async function claimNext(
  ctx: StoreContext,
  options: ClaimOptions,
): Promise<WorkItem | undefined> {
  const { db } = ctx;
  const now = ctx.now();
  const candidate = whereClaimable(ctx, db(TABLE), now)
    .orderBy(['not_before', 'id'])
    .limit(1)
    .select('id');
  for (const excluded of options.exclude ?? []) {
    candidate.whereNot(b => b.where(keyColumns(excluded)));
  }
  if (db.client.dialect === 'postgresql') {
    candidate.forUpdate().skipLocked();
  }
  const [claimed] = (await whereClaimable(
    ctx,
    db(TABLE).where('id', candidate),
    now,
  )
    .update({
      owner: options.owner,
      lease_until: now + options.leaseMs,
      claimed_seq: db.ref('seq'),
    })
    .returning([...KEY, 'reason', 'seq', 'failures'])) as QueueRow[];
  if (!claimed) return undefined;
  return {
    key: {
      kind: claimed.kind,
      promise: claimed.promise,
      namespace: claimed.namespace,
      name: claimed.name,
    },
    reason: claimed.reason,
    seq: toNumber(claimed.seq),
    failures: toNumber(claimed.failures),
  };
}

export async function renewLease(
  ctx: StoreContext,
  key: ObjectKey,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const updated = await ctx
    .db(TABLE)
    .where({ ...scopedKeyColumns(ctx, key), owner })
    .update({ lease_until: ctx.now() + leaseMs });
  return updated === 1;
}

export async function complete(
  ctx: StoreContext,
  key: ObjectKey,
  owner: string,
  seq: number,
): Promise<CompleteResult> {
  const where = { ...scopedKeyColumns(ctx, key), owner };
  if (
    (await ctx
      .db(TABLE)
      .where({ ...where, seq })
      .delete()) === 1
  ) {
    return 'removed';
  }
  const released = await ctx
    .db(TABLE)
    .where(where)
    .update({ owner: null, lease_until: null, failures: 0 });
  return released === 1 ? 'requeued' : 'lost';
}

/** Frees the lease; the entry is due at notBefore (default now), or earlier when requested again during the run. */
export async function release(
  ctx: StoreContext,
  key: ObjectKey,
  owner: string,
  options?: ReleaseOptions,
): Promise<boolean> {
  const notBefore = options?.notBefore?.getTime() ?? ctx.now();
  const updated = await ctx
    .db(TABLE)
    .where({ ...scopedKeyColumns(ctx, key), owner })
    .update({
      owner: null,
      lease_until: null,
      ...(options?.failures !== undefined && { failures: options.failures }),
      not_before: ctx.db.raw(
        'CASE WHEN ?? <> ?? AND ?? < ? THEN ?? ELSE ? END',
        [
          'seq',
          'claimed_seq',
          'not_before',
          notBefore,
          'not_before',
          notBefore,
        ],
      ),
    });
  return updated === 1;
}

/** True when requested again since the claim (or the entry is gone). */
export async function isSuperseded(
  ctx: StoreContext,
  key: ObjectKey,
  seq: number,
): Promise<boolean> {
  const row = (await ctx
    .db<QueueRow>(TABLE)
    .where(scopedKeyColumns(ctx, key))
    .first('seq')) as Pick<QueueRow, 'seq'> | undefined;
  return !row || toNumber(row.seq) !== seq;
}

/** The earliest time an entry becomes claimable: due, and its lease run out. */
export async function nextDueAt(ctx: StoreContext): Promise<Date | undefined> {
  const [row] = await ctx
    .db(TABLE)
    .where('cluster', ctx.cluster)
    .select(
      ctx.db.raw(
        `MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > not_before
        THEN lease_until ELSE not_before END) AS due`,
      ),
    );
  return row?.due === null || row?.due === undefined
    ? undefined
    : new Date(toNumber(row.due));
}

/** How many entries a worker could claim now. */
export async function countClaimable(ctx: StoreContext): Promise<number> {
  const [row] = await whereClaimable(ctx, ctx.db(TABLE), ctx.now()).count({
    n: '*',
  });
  return toNumber((row as { n: number | string }).n);
}
