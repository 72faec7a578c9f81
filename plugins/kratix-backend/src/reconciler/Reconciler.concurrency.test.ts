// At most one workflow per object at a time (spec section 2); a spec change
// during a configure workflow starts it again from its first pipeline
// (with cancelOnSupersede at once; by default after the running pipeline
// ends: supersede.test.ts).
import { WorkflowRun } from '@kratix-backstage/plugin-kratix-common';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { isConfigured, scriptPromise } from '../__testUtils__/scriptPromise';
import { specField, withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const span = (run: WorkflowRun) => ({
  start: Date.parse(run.startedAt!),
  end: Date.parse(run.finishedAt!),
});

describe.each(databases.eachSupportedId())('Reconciler on %p', id => {
  it('with cancelOnSupersede, starts a configure workflow again from its first pipeline at once when the spec changes during it', () =>
    withKratix(databases, id, { cancelOnSupersede: true }, async kratix => {
      const gate = kratix.gate('go');
      await kratix.promise('paint').put(
        scriptPromise(
          'paint',
          [
            {
              name: 'first',
              script: `echo "first ${specField('colour')}" >> "$MARKERS/log"`,
            },
            {
              name: 'second',
              script: `colour=${specField('colour')}
echo "second $colour" >> "$MARKERS/log"
${gate.script}
echo "second done $colour" >> "$MARKERS/log"
printf 'painted: %s\\n' "$colour" > /kratix/metadata/status.yaml`,
            },
          ],
          { MARKERS: kratix.markers },
        ),
        201,
      );
      const r = kratix.resource('paint', 'r');
      await r.put({ colour: 'red' }, 201);
      await kratix.waitLines('log', 2);
      const updated = await r.put({ colour: 'blue' });
      expect(updated.body.metadata.generation).toBe(2);

      // With the gate shut, the first run cannot finish: it was cancelled.
      expect(await kratix.waitLines('log', 4)).toEqual([
        'first red',
        'second red',
        'first blue',
        'second blue',
      ]);
      gate.open();
      const done = await r.waitFor(
        b => b.status.observedGeneration === 2 && isConfigured(b),
      );
      expect(done.status.painted).toBe('blue');
      expect(
        done.status.kratix.workflows.pipelines.map((p: any) => p.phase),
      ).toEqual(['Succeeded', 'Succeeded']);
      expect(kratix.lines('log')).toHaveLength(5);

      const [latest, superseded] = await r.runs();
      expect(latest).toMatchObject({
        generation: 2,
        phase: 'Succeeded',
        pipelines: [
          { name: 'first', phase: 'Succeeded' },
          { name: 'second', phase: 'Succeeded' },
        ],
      });
      expect(superseded).toMatchObject({
        generation: 1,
        pipelines: [{ name: 'first', phase: 'Succeeded' }, { name: 'second' }],
      });
      expect(['Failed', 'Cancelled']).toContain(superseded.phase);
      expect(superseded.pipelines[1].phase).not.toBe('Succeeded');
    }));

  it('never runs two workflows of one object at once, under a burst of spec changes', () =>
    withKratix(databases, id, { concurrency: 4 }, async kratix => {
      await kratix.promise('busy').put(
        scriptPromise('busy', [
          {
            name: 'work',
            script: `sleep 0.2
printf 'seen: %s\\n' "${specField('n')}" > /kratix/metadata/status.yaml`,
          },
        ]),
        201,
      );
      const resources = ['x', 'y', 'z'].map(n => kratix.resource('busy', n));
      await Promise.all(resources.map(r => r.put({ n: 0 }, 201)));
      await Promise.all(
        resources.map(async r => {
          for (let n = 1; n <= 4; n++) await r.put({ n });
        }),
      );

      const all: { object: number; start: number; end: number }[] = [];
      for (const [object, r] of resources.entries()) {
        const done = await r.waitFor(
          b => b.status.observedGeneration === 5 && isConfigured(b),
        );
        expect(done.status.seen).toBe(4);
        const runs = (await r.runs()).reverse();
        expect(runs[runs.length - 1]).toMatchObject({
          generation: 5,
          phase: 'Succeeded',
        });
        const spans = runs.map(span);
        // Each run starts after the one before it finished.
        spans.forEach((run, i) => {
          expect(run.end).toBeGreaterThanOrEqual(run.start);
          expect(run.start).toBeGreaterThanOrEqual(spans[i - 1]?.end ?? 0);
        });
        all.push(...spans.map(run => ({ object, ...run })));
      }
      // Workflows of different objects did run at once.
      const overlapping = all.some(a =>
        all.some(
          b => a.object < b.object && a.start < b.end && b.start < a.end,
        ),
      );
      expect(overlapping).toBe(true);
    }));
});
