// When configure workflows run (spec section 2): on create, on a spec
// change of the object or of its Promise, on a manual reconcile, on the
// reconcile interval, and never in a loop after a failure.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { eventually } from '../__testUtils__/startKratix';
import { createTestDatabases } from '../database/__testUtils__/databases';
import {
  condition,
  configureCondition,
  isConfigured,
  scriptPromise,
} from '../__testUtils__/scriptPromise';
import { settle, specField, withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('Reconciler on %p', id => {
  it('runs a Promise configure workflow on create and on spec change', () =>
    withKratix(databases, id, {}, async kratix => {
      const env = { MARKERS: kratix.markers };
      const doc = (engine: string) =>
        scriptPromise('db', [{ name: 'noop', script: 'true' }], env, {
          promiseConfigure: [
            {
              name: 'setup',
              script: `echo "$KRATIX_WORKFLOW_ACTION $KRATIX_WORKFLOW_TYPE $KRATIX_OBJECT_KIND $KRATIX_OBJECT_NAME" >> "$MARKERS/runs"
cp /kratix/input/object.yaml "$MARKERS/object.yaml"`,
            },
            {
              name: 'report',
              // As upstream, only `message` is kept from a Promise's file.
              script: `printf 'message: engine ${engine}\\nengine: ${engine}\\n' > /kratix/metadata/status.yaml`,
            },
          ],
        });
      const promise = kratix.promise('db');
      await promise.put(doc('v1'), 201);

      const done = await promise.waitFor(isConfigured);
      expect(done.status).toMatchObject({
        message: 'engine v1',
        observedGeneration: 1,
        workflows: 2,
        workflowsSucceeded: 2,
        workflowsFailed: 0,
      });
      expect(configureCondition(done)).toMatchObject({
        status: 'True',
        reason: 'PipelinesExecutedSuccessfully',
        message: 'Pipelines completed',
      });
      expect(condition(done, 'Reconciled')).toMatchObject({
        status: 'True',
        reason: 'Reconciled',
      });
      expect(kratix.lines('runs')).toEqual(['configure promise Promise db']);
      const input = parseYaml(
        fs.readFileSync(path.join(kratix.markers, 'object.yaml'), 'utf8'),
      );
      expect(input).toMatchObject({
        kind: 'Promise',
        metadata: { name: 'db', generation: 1 },
        status: { message: 'Pending' },
      });
      expect(input.spec.workflows.promise.configure).toHaveLength(2);

      // The same spec again changes nothing; a new one runs again.
      await promise.put(doc('v1'));
      await settle(600);
      expect(kratix.lines('runs')).toHaveLength(1);
      await promise.put(doc('v2'));
      const again = await promise.waitFor(
        b => b.status.observedGeneration === 2 && isConfigured(b),
      );
      expect(again.status.message).toBe('engine v2');
      expect(again.status).not.toHaveProperty('engine');
      expect(kratix.lines('runs')).toHaveLength(2);
    }));

  it("re-runs every Resource when its Promise's spec changes, only then", () =>
    withKratix(databases, id, {}, async kratix => {
      const doc = (version: string) =>
        scriptPromise(
          'app',
          [
            {
              name: 'make',
              script: `echo "${version} $KRATIX_OBJECT_NAME" >> "$MARKERS/runs"
printf 'message: made by ${version}\\n' > /kratix/metadata/status.yaml`,
            },
          ],
          { MARKERS: kratix.markers },
        );
      const promise = kratix.promise('app');
      await promise.put(doc('v1'), 201);
      const resources = ['a', 'b'].map(n => kratix.resource('app', n));
      for (const r of resources) await r.put({ size: 1 }, 201);
      for (const r of resources) {
        await r.waitFor(b => b.status.message === 'made by v1');
      }

      await promise.put(doc('v1'));
      await settle(600);
      expect(kratix.lines('runs').sort()).toEqual(['v1 a', 'v1 b']);

      await promise.put(doc('v2'));
      for (const r of resources) {
        const done = await r.waitFor(
          b => b.status.message === 'made by v2' && isConfigured(b),
        );
        expect(done.metadata.generation).toBe(1);
        expect(done.status.observedGeneration).toBe(1);
        const runs = await r.runs();
        expect(runs.map(run => [run.generation, run.phase])).toEqual([
          [1, 'Succeeded'],
          [1, 'Succeeded'],
        ]);
      }
      expect(kratix.lines('runs').sort()).toEqual([
        'v1 a',
        'v1 b',
        'v2 a',
        'v2 b',
      ]);
    }));

  it('re-runs on a manual reconcile; one asked for during a run queues one more run', () =>
    withKratix(databases, id, {}, async kratix => {
      const gate = kratix.gate('go');
      await kratix.promise('manual').put(
        scriptPromise(
          'manual',
          [
            {
              name: 'run',
              script: `echo run >> "$MARKERS/runs"\n${gate.script}`,
            },
          ],
          { MARKERS: kratix.markers },
        ),
        201,
      );
      const r = kratix.resource('manual', 'r');
      await r.put({ size: 1 }, 201);
      await kratix.waitLines('runs', 1);
      for (let i = 0; i < 3; i++) await r.reconcile();
      gate.open();

      const finished = async (count: number) => {
        const runs = await eventually(async () => {
          const all = await r.runs();
          return all.length === count && all.every(run => run.finishedAt)
            ? all
            : undefined;
        });
        expect(runs.map(run => [run.generation, run.phase])).toEqual(
          Array(count).fill([1, 'Succeeded']),
        );
        return runs;
      };
      await finished(2);
      await settle(600);
      expect(await r.runs()).toHaveLength(2);
      expect(kratix.lines('runs')).toHaveLength(2);

      await r.reconcile();
      const runs = await finished(3);
      expect(kratix.lines('runs')).toHaveLength(3);
      expect(Date.parse(runs[0].startedAt!)).toBeGreaterThanOrEqual(
        Date.parse(runs[1].finishedAt!),
      );
      const done = await r.get();
      expect(done.metadata.generation).toBe(1);
      expect(done.status.observedGeneration).toBe(1);
    }));

  describe('reconcile interval', () => {
    const tick = (markers: string) =>
      scriptPromise(
        'tick',
        [{ name: 'tick', script: 'echo tick >> "$MARKERS/runs"' }],
        {
          MARKERS: markers,
        },
      );

    it("re-runs a Resource's configure workflow when it passes", () =>
      withKratix(databases, id, { reconcileInterval: '1s' }, async kratix => {
        await kratix.promise('tick').put(tick(kratix.markers), 201);
        const r = kratix.resource('tick', 'r');
        await r.put({ size: 1 }, 201);
        await kratix.waitLines('runs', 3);
        const runs = (await r.runs()).reverse();
        expect(runs.length).toBeGreaterThanOrEqual(3);
        runs.slice(1).forEach((run, i) => {
          expect(run.generation).toBe(1);
          const gap =
            Date.parse(run.startedAt!) - Date.parse(runs[i].finishedAt!);
          expect(gap).toBeGreaterThanOrEqual(950);
        });
      }));

    it('does not re-run by default (10 hours) within the test', () =>
      withKratix(databases, id, {}, async kratix => {
        await kratix.promise('tick').put(tick(kratix.markers), 201);
        const r = kratix.resource('tick', 'r');
        await r.put({ size: 1 }, 201);
        await r.waitFor(isConfigured);
        await settle(1500);
        expect(await r.runs()).toHaveLength(1);
        expect(kratix.lines('runs')).toEqual(['tick']);
      }));
  });

  it('does not retry a failed configure workflow until a reconcile or a spec change', () =>
    withKratix(databases, id, {}, async kratix => {
      await kratix.promise('flaky').put(
        scriptPromise(
          'flaky',
          [
            {
              name: 'check',
              script: `colour=${specField('colour')}
echo "$colour" >> "$MARKERS/runs"
[ "$colour" != red ] || { echo "red is not allowed"; exit 3; }`,
            },
            { name: 'after', script: 'echo after >> "$MARKERS/after"' },
          ],
          { MARKERS: kratix.markers },
        ),
        201,
      );
      const r = kratix.resource('flaky', 'r');
      await r.put({ colour: 'red' }, 201);
      const failed = await r.waitFor(
        b => configureCondition(b)?.reason === 'ConfigureWorkflowFailed',
      );
      expect(configureCondition(failed)).toMatchObject({
        status: 'False',
        reason: 'ConfigureWorkflowFailed',
        message: 'A Configure Pipeline has failed: check',
      });
      expect(condition(failed, 'Reconciled')).toMatchObject({
        status: 'False',
        reason: 'ConfigureWorkflowFailed',
        message: 'Failing',
      });
      expect(failed.status).toMatchObject({
        message: 'Pending',
        workflows: 2,
        workflowsSucceeded: 0,
        workflowsFailed: 1,
      });
      expect(failed.status.observedGeneration).toBeUndefined();
      expect(
        failed.status.kratix.workflows.pipelines.map((p: any) => p.phase),
      ).toEqual(['Failed', 'Pending']);

      await settle(800);
      expect(kratix.lines('runs')).toEqual(['red']);
      expect((await r.runs()).map(run => run.phase)).toEqual(['Failed']);

      await r.reconcile();
      await kratix.waitLines('runs', 2);
      await r.put({ colour: 'blue' });
      const done = await r.waitFor(
        b => b.status.observedGeneration === 2 && isConfigured(b),
      );
      expect(done.status.workflowsFailed).toBe(0);
      expect(kratix.lines('runs')).toEqual(['red', 'red', 'blue']);
      expect(kratix.lines('after')).toEqual(['after']);
    }));
});
