// Container logs of pipeline runs, each kept to its first maxLogBytes bytes.
import { ContainerLog } from '@kratix-backstage/plugin-kratix-common';
import { StoreContext, toNumber } from './context';

interface LogRow {
  run_id: string;
  pipeline: string;
  container: string;
  log: string;
  bytes: number | string;
  truncated: boolean | number;
}

/** A failed attempt means another append landed: give up after this many. */
const MAX_APPEND_ATTEMPTS = 100;

/** The longest head of `text` of at most `maxBytes` UTF-8 bytes. */
export function utf8Head(text: string, maxBytes: number) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) {
    return { text, bytes: bytes.length, cut: false };
  }
  let end = Math.max(0, maxBytes);
  // Do not split a character: step back over continuation bytes (10xxxxxx).
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return {
    text: bytes.subarray(0, end).toString('utf8'),
    bytes: end,
    cut: true,
  };
}

/**
 * Creates or appends to the log in one statement (an upsert) while the chunk
 * fits, so concurrent appends do not conflict; the append that crosses the
 * limit is a compare-and-swap on the size, and marks the log truncated.
 */
export async function appendLog(
  ctx: StoreContext,
  runId: string,
  pipeline: string,
  container: string,
  chunk: string,
): Promise<void> {
  const { db, maxLogBytes } = ctx;
  const where = { run_id: runId, pipeline, container };
  const chunkBytes = Buffer.byteLength(chunk, 'utf8');
  const appendWhole = () =>
    db('container_logs')
      .insert({ ...where, log: chunk, bytes: chunkBytes, truncated: false })
      .onConflict(['run_id', 'pipeline', 'container'])
      .merge({
        log: db.raw('?? || ??', ['container_logs.log', 'excluded.log']),
        bytes: db.raw('?? + ??', ['container_logs.bytes', 'excluded.bytes']),
      })
      .where('container_logs.truncated', false)
      .andWhere(
        db.raw('?? + ?? <= ?', [
          'container_logs.bytes',
          'excluded.bytes',
          maxLogBytes,
        ]),
      )
      .returning('seq');

  for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
    if (chunkBytes <= maxLogBytes && (await appendWhole()).length === 1) {
      return;
    }
    const row = (await db<LogRow>('container_logs')
      .where(where)
      .first(['bytes', 'truncated'])) as LogRow | undefined;
    if (row?.truncated) return;
    const used = row ? toNumber(row.bytes) : 0;
    const head = utf8Head(chunk, maxLogBytes - used);
    if (!row) {
      const inserted = await db('container_logs')
        .insert({
          ...where,
          log: head.text,
          bytes: head.bytes,
          truncated: head.cut,
        })
        .onConflict(['run_id', 'pipeline', 'container'])
        .ignore()
        .returning('seq');
      if (inserted.length === 1) return;
    } else if (head.cut) {
      const updated = await db('container_logs')
        .where({ ...where, bytes: row.bytes, truncated: false })
        .update({
          log: db.raw('?? || ?', ['log', head.text]),
          bytes: used + head.bytes,
          truncated: true,
        });
      if (updated === 1) return;
    }
  }
  throw new Error(
    `Could not append to the log of container ${container} of pipeline ${pipeline} (run ${runId}): too many concurrent appends`,
  );
}

export async function getLogs(
  ctx: StoreContext,
  runId: string,
): Promise<ContainerLog[]> {
  const rows = (await ctx
    .db<LogRow>('container_logs')
    .where({ run_id: runId })
    .orderBy('seq')) as LogRow[];
  return rows.map(row => ({
    pipeline: row.pipeline,
    container: row.container,
    log: row.log,
    truncated: Boolean(row.truncated),
  }));
}
