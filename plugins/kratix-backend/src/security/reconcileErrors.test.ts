// A reconcile that fails with an error (not a failing pipeline: here the
// state store cannot be written) is retried at growing intervals, and says
// why on the object: Reconciled is False with reason ReconcileError.
import fs from 'node:fs';
import path from 'node:path';
import { Knex } from 'knex';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { condition, scriptPromise } from '../__testUtils__/scriptPromise';
import { KratixApi, settle, withKratix } from '../__testUtils__/kratixApi';
import { eventually } from '../__testUtils__/startKratix';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const engine = { errorRetryInterval: '200ms', errorRetryMaxInterval: '1600ms' };
/** Writes an output, for the state store. */
const provision = {
  name: 'provision',
  script: 'echo "kind: ConfigMap" > "$KRATIX_OUTPUT_DIR/thing.yaml"',
};

/**
 * A file where the `local` Destination's folder should be (startKratix
 * puts the state store beside the markers): every write to it fails.
 */
function breakDestination(kratix: KratixApi) {
  const state = path.join(path.dirname(kratix.markers), 'state');
  fs.mkdirSync(state, { recursive: true });
  const folder = path.join(state, 'local');
  fs.writeFileSync(folder, 'not a folder');
  return { repair: () => fs.rmSync(folder) };
}

/** The database refuses every status that holds a ReconcileError. */
async function refuseReconcileErrors(knex: Knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION refuse() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'the disk is full'; END $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE TRIGGER refuse BEFORE UPDATE ON objects FOR EACH ROW
      WHEN (NEW.status LIKE '%ReconcileError%') EXECUTE FUNCTION refuse()`);
  } else {
    await knex.raw(`CREATE TRIGGER refuse BEFORE UPDATE ON objects
      WHEN NEW.status LIKE '%ReconcileError%'
      BEGIN SELECT RAISE(ABORT, 'the disk is full'); END`);
  }
}

/**
 * Watches the Resource's runs for 4 s from its first: waits of 200, 400,
 * 800, 1600 ms (each up to a quarter shorter) leave room for at most 6
 * runs, a fixed 200 ms for 20; the waits between them double.
 */
async function expectBackoff(r: ReturnType<KratixApi['resource']>) {
  const [first] = await eventually(async () => {
    const runs = await r.runs();
    return runs.length > 0 ? runs : undefined;
  });
  await settle(4000);
  const history = (await r.runs()).reverse();
  const start = Date.parse(first.startedAt!);
  const inWindow = history.filter(
    x => Date.parse(x.startedAt!) < start + 4000,
  ).length;
  expect(inWindow).toBeGreaterThanOrEqual(3);
  expect(inWindow).toBeLessThanOrEqual(6);

  expect(history.slice(0, 4).map(x => x.phase)).toEqual(
    Array(4).fill('Failed'),
  );
  const waits = history
    .slice(1, 4)
    .map(
      (x, i) => Date.parse(x.startedAt!) - Date.parse(history[i].finishedAt!),
    );
  expect(waits[0]).toBeGreaterThanOrEqual(150);
  expect(waits[1]).toBeGreaterThanOrEqual(300);
  expect(waits[2]).toBeGreaterThanOrEqual(600);
  expect(Math.max(...waits)).toBeLessThan(1600 + 1000);
}

const reconciled = (body: any) => condition(body, 'Reconciled');
const hasReconcileError = (body: any) =>
  reconciled(body)?.reason === 'ReconcileError';
const isReconciled = (body: any) => reconciled(body)?.status === 'True';

describe.each(databases.eachSupportedId())('reconcile errors on %p', id => {
  it('retries a failing Resource at growing intervals, says why, and recovers', () =>
    withKratix(databases, id, engine, async kratix => {
      const destination = breakDestination(kratix);
      await kratix.promise('db').put(scriptPromise('db', [provision]), 201);
      const r = kratix.resource('db', 'a');
      await r.put({ size: 1 }, 201);

      await expectBackoff(r);

      // Between attempts the Resource says what failed.
      const failing = await r.waitFor(hasReconcileError);
      expect(reconciled(failing)).toMatchObject({
        status: 'False',
        reason: 'ReconcileError',
      });
      expect(reconciled(failing).message).toMatch(
        /^Reconcile failed \(attempt \d+, next in [\d.]+s\): State store: could not write local\/resources\/default\/db\/a\/provision\/5058f: /,
      );

      // Fixed: the next attempt succeeds, and the retries stop.
      destination.repair();
      const done = await r.waitFor(isReconciled);
      expect(reconciled(done)).toMatchObject({ reason: 'Reconciled' });
      const after = (await r.runs()).length;
      await settle(1500);
      expect(await r.runs()).toHaveLength(after);
      expect(hasReconcileError(await r.get())).toBe(false);
    }));

  it('says on a Promise why its own workflow cannot complete', () =>
    withKratix(databases, id, engine, async kratix => {
      const destination = breakDestination(kratix);
      const promise = kratix.promise('db');
      await promise.put(
        scriptPromise('db', [provision], {}, { promiseConfigure: [provision] }),
        201,
      );
      const failing = await promise.waitFor(hasReconcileError);
      expect(reconciled(failing)).toMatchObject({ status: 'False' });
      expect(reconciled(failing).message).toMatch(
        /State store: could not write local\/dependencies\/db\/provision\/5058f: /,
      );

      destination.repair();
      await promise.waitFor(isReconciled);
    }));

  it('backs off the same when the error cannot be saved either', () =>
    withKratix(databases, id, engine, async kratix => {
      breakDestination(kratix);
      await refuseReconcileErrors(kratix.knex);
      await kratix.promise('db').put(scriptPromise('db', [provision]), 201);
      const r = kratix.resource('db', 'a');
      await r.put({ size: 1 }, 201);

      await expectBackoff(r);
      expect(hasReconcileError(await r.get())).toBe(false);
      const entry = await kratix
        .knex('work_queue')
        .where({ kind: 'Resource', name: 'a' })
        .first('failures');
      expect(Number(entry.failures)).toBeGreaterThanOrEqual(3);
    }));
});
