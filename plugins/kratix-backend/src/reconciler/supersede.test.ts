// A delete or a newer spec while a workflow runs, as upstream Kratix: the
// running pipeline ends first, and the workflow stops there (with
// kratix.engine.cancelOnSupersede it is cancelled at once:
// Reconciler.delete.test.ts). A Promise's delete waits for its Resources'
// running configure pipelines.
import { createTestDatabases } from '../database/__testUtils__/databases';
import { isConfigured, scriptPromise } from '../__testUtils__/scriptPromise';
import { settle, specField, withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('superseded runs on %p', id => {
  /** Two pipelines; the first holds on the gate `hold`. */
  const twoPipelines = (kratix: any, hold: { script: string }) =>
    scriptPromise(
      'slow',
      [
        {
          name: 'first',
          script: `echo "first ${specField('size')} started" >> "$MARKERS/runs"
${hold.script}
echo "first ${specField('size')} ended" >> "$MARKERS/runs"`,
        },
        {
          name: 'second',
          script: `echo "second ${specField('size')}" >> "$MARKERS/runs"`,
        },
      ],
      { MARKERS: kratix.markers },
      {
        resourceDelete: [
          { name: 'drop', script: 'echo dropped >> "$MARKERS/runs"' },
        ],
      },
    );

  it('lets the running pipeline end before the delete workflow runs', () =>
    withKratix(databases, id, {}, async kratix => {
      const hold = kratix.gate('hold');
      await kratix.promise('slow').put(twoPipelines(kratix, hold), 201);
      const r = kratix.resource('slow', 'a');
      await r.put({ size: 1 }, 201);
      await kratix.waitLines('runs', 1);

      await r.delete();
      await settle(500);
      // Not cancelled: the delete waits for the running pipeline.
      expect(kratix.lines('runs')).toEqual(['first 1 started']);
      hold.open();
      await r.waitGone();
      // The workflow stopped after the running pipeline.
      expect(kratix.lines('runs')).toEqual([
        'first 1 started',
        'first 1 ended',
        'dropped',
      ]);
    }));

  it('lets the running pipeline end, then runs the workflow again with the newer spec', () =>
    withKratix(databases, id, {}, async kratix => {
      const hold = kratix.gate('hold');
      await kratix.promise('slow').put(twoPipelines(kratix, hold), 201);
      const r = kratix.resource('slow', 'a');
      await r.put({ size: 1 }, 201);
      await kratix.waitLines('runs', 1);

      await r.put({ size: 2 }, 200);
      await settle(500);
      expect(kratix.lines('runs')).toEqual(['first 1 started']);
      hold.open();
      await r.waitFor(
        b => isConfigured(b) && b.status.observedGeneration === 2,
      );
      expect(kratix.lines('runs')).toEqual([
        'first 1 started',
        'first 1 ended',
        'first 2 started',
        'first 2 ended',
        'second 2',
      ]);
    }));

  it("runs a Promise's delete pipeline after its Resources' running configure pipelines", () =>
    withKratix(databases, id, {}, async kratix => {
      const hold = kratix.gate('hold');
      const doc = twoPipelines(kratix, hold) as any;
      doc.spec.workflows.promise = {
        delete: scriptPromise('x', [
          { name: 'uninstall', script: 'echo uninstall >> "$MARKERS/runs"' },
        ]).spec.workflows.resource.configure,
      };
      doc.spec.workflows.promise.delete[0].spec.containers[0].env = [
        { name: 'MARKERS', value: kratix.markers },
      ];
      const p = kratix.promise('slow');
      await p.put(doc, 201);
      const r = kratix.resource('slow', 'a');
      await r.put({ size: 1 }, 201);
      await kratix.waitLines('runs', 1);

      await p.delete();
      await settle(700);
      expect(kratix.lines('runs')).toEqual(['first 1 started']);
      hold.open();
      await p.waitGone();
      const runs = kratix.lines('runs');
      expect(runs.slice(0, 2)).toEqual(['first 1 started', 'first 1 ended']);
      expect(runs.indexOf('uninstall')).toBeLessThan(runs.indexOf('dropped'));
    }));
});
