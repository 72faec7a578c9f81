// /kratix/metadata/workflow-control.yaml through the real engine: real
// pipelines, the real reconciler and queue, SQLite and Postgres.
import { createTestDatabases } from '../database/__testUtils__/databases';
import { condition, scriptPromise } from '../__testUtils__/scriptPromise';
import { settle, withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/**
 * Each pipeline logs its run to `$MARKERS/runs`; p2, while
 * `$MARKERS/release` is absent, writes workflow-control.yaml with `control`.
 */
const controlPromise = (markers: string, control: string) =>
  scriptPromise(
    'db',
    [
      { name: 'p1', script: 'echo p1 >> "$MARKERS/runs"' },
      {
        name: 'p2',
        script: `echo p2 >> "$MARKERS/runs"
if [ ! -f "$MARKERS/release" ]; then
  printf '${control}' > /kratix/metadata/workflow-control.yaml
fi`,
      },
      { name: 'p3', script: 'echo p3 >> "$MARKERS/runs"' },
    ],
    { MARKERS: markers },
  );
const reconciled = (body: any) => condition(body, 'Reconciled');
const isSuspended = (body: any) => reconciled(body)?.reason === 'Suspended';
const isDone = (body: any) => reconciled(body)?.status === 'True';
const RETRY = 'retryAfter: 1s\\nmessage: not yet\\n';
/** retryAfter is floored at errorRetryInterval: 1 s keeps the retries quick. */
const ENGINE = { errorRetryInterval: { seconds: 1 } };
const SUSPEND = 'suspend: true\\n';

describe.each(databases.eachSupportedId())(
  'workflow-control.yaml on %p',
  id => {
    it('suspends, then retries the suspended pipeline after retryAfter', () =>
      withKratix(databases, id, ENGINE, async kratix => {
        await kratix
          .promise('db')
          .put(controlPromise(kratix.markers, RETRY), 201);
        const r = kratix.resource('db', 'a');
        await r.put({ size: 1 }, 201);

        const held = await r.waitFor(isSuspended);
        expect(reconciled(held)).toMatchObject({
          status: 'Unknown',
          message: 'not yet',
        });
        expect(held.status.kratix.workflows.pipelines).toEqual([
          expect.objectContaining({ name: 'p1', phase: 'Succeeded' }),
          expect.objectContaining({
            name: 'p2',
            phase: 'Suspended',
            message: 'not yet',
            attempts: 1,
            nextRetryAt: expect.any(String),
          }),
          expect.objectContaining({ name: 'p3', phase: 'Pending' }),
        ]);
        expect(kratix.lines('runs')).toEqual(['p1', 'p2']);

        // Each retry runs p2 again, not p1; released, it goes on to p3.
        await kratix.waitLines('runs', 3);
        kratix.gate('release').open();
        const done = await r.waitFor(isDone);
        const runs = kratix.lines('runs');
        expect(runs[0]).toBe('p1');
        expect(runs.slice(1, -1).every(l => l === 'p2')).toBe(true);
        expect(runs[runs.length - 1]).toBe('p3');
        expect(
          done.status.kratix.workflows.suspendedGeneration,
        ).toBeUndefined();
        expect(condition(done, 'WorksSucceeded')?.status).toBe('True');
      }));

    it('stays suspended without retryAfter until a manual reconcile, which starts again from the first pipeline', () =>
      withKratix(databases, id, ENGINE, async kratix => {
        await kratix
          .promise('db')
          .put(controlPromise(kratix.markers, SUSPEND), 201);
        const r = kratix.resource('db', 'a');
        await r.put({ size: 1 }, 201);
        await r.waitFor(isSuspended);
        await settle(1500);
        expect(kratix.lines('runs')).toEqual(['p1', 'p2']);

        kratix.gate('release').open();
        await r.reconcile();
        await r.waitFor(isDone);
        expect(kratix.lines('runs')).toEqual(['p1', 'p2', 'p1', 'p2', 'p3']);
      }));

    it('runs again from the first pipeline on a newer spec', () =>
      withKratix(databases, id, ENGINE, async kratix => {
        await kratix
          .promise('db')
          .put(controlPromise(kratix.markers, SUSPEND), 201);
        const r = kratix.resource('db', 'a');
        await r.put({ size: 1 }, 201);
        await r.waitFor(isSuspended);

        kratix.gate('release').open();
        await r.put({ size: 2 });
        const done = await r.waitFor(isDone);
        expect(done.metadata.generation).toBe(2);
        expect(kratix.lines('runs')).toEqual(['p1', 'p2', 'p1', 'p2', 'p3']);
      }));

    it("holds a Promise's delete while its delete pipeline suspends it", () =>
      withKratix(databases, id, ENGINE, async kratix => {
        const doc = scriptPromise(
          'db',
          [{ name: 'p1', script: 'true' }],
          { MARKERS: kratix.markers },
          {
            promiseDelete: [
              {
                name: 'teardown',
                script: `echo teardown >> "$MARKERS/runs"
if [ ! -f "$MARKERS/release" ]; then
  printf 'retryAfter: 1s\\n' > /kratix/metadata/workflow-control.yaml
fi`,
              },
            ],
          },
        );
        const promise = kratix.promise('db');
        await promise.put(doc, 201);
        await promise.waitFor(b => b.status?.status === 'Available');
        await promise.delete();
        const held = await promise.waitFor(
          b =>
            condition(b, 'DeleteWorkflowCompleted')?.reason ===
            'DeleteWorkflowSuspended',
        );
        expect(condition(held, 'DeleteWorkflowCompleted')).toMatchObject({
          status: 'False',
          message: 'The delete workflow is suspended',
        });
        // Retried, and held each time; released, the Promise goes.
        await kratix.waitLines('runs', 2);
        await promise.get();
        kratix.gate('release').open();
        await promise.waitGone();
      }));

    it('fails the pipeline on a bad file, naming it', () =>
      withKratix(databases, id, ENGINE, async kratix => {
        await kratix
          .promise('db')
          .put(controlPromise(kratix.markers, 'retryAfter: whale\\n'), 201);
        const r = kratix.resource('db', 'a');
        await r.put({ size: 1 }, 201);
        const failed = await r.waitFor(
          b => reconciled(b)?.reason === 'ConfigureWorkflowFailed',
        );
        expect(failed.status.kratix.workflows.pipelines[1]).toMatchObject({
          phase: 'Failed',
          message: expect.stringContaining(
            `'retryAfter' in /kratix/metadata/workflow-control.yaml must be a duration`,
          ),
        });
        expect(kratix.lines('runs')).toEqual(['p1', 'p2']);
      }));
  },
);
