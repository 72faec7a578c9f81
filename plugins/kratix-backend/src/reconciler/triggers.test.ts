// Trigger labels, as upstream Kratix: kratix.io/manual-reconciliation on a
// Resource or Promise, kratix.io/reconcile-resources on a Promise. Each
// runs the configure workflow(s) again and is removed by the engine.
import { createTestDatabases } from '../database/__testUtils__/databases';
import { scriptPromise } from '../__testUtils__/scriptPromise';
import { withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const manual = { 'kratix.io/manual-reconciliation': 'true' };
const allResources = { 'kratix.io/reconcile-resources': 'true' };
/** Appends `<type> <name>` to `$MARKERS/runs` on every configure run. */
const runLine = {
  name: 'run',
  script: 'echo "$KRATIX_WORKFLOW_TYPE $KRATIX_OBJECT_NAME" >> "$MARKERS/runs"',
};
const labelsOf = (body: any) => body.metadata.labels ?? {};

describe.each(databases.eachSupportedId())('trigger labels on %p', id => {
  it('runs a Resource again for manual-reconciliation and removes it', () =>
    withKratix(databases, id, {}, async kratix => {
      const doc = scriptPromise('db', [runLine], { MARKERS: kratix.markers });
      await kratix.promise('db').put(doc, 201);
      const r = kratix.resource('db', 'a');
      await r.put({ size: 1 }, 201);
      await kratix.waitLines('runs', 1);

      await kratix
        .http()
        .put(r.url)
        .send({
          metadata: { labels: { ...manual, team: 'x' } },
          spec: { size: 1 },
        })
        .expect(200);
      expect(await kratix.waitLines('runs', 2)).toEqual([
        'resource a',
        'resource a',
      ]);
      const after = await r.waitFor(
        b => !('kratix.io/manual-reconciliation' in labelsOf(b)),
      );
      expect(labelsOf(after)).toEqual({ team: 'x' });
    }));

  it('runs a Promise again for manual-reconciliation and removes it', () =>
    withKratix(databases, id, {}, async kratix => {
      const doc = scriptPromise(
        'db',
        [runLine],
        { MARKERS: kratix.markers },
        { promiseConfigure: [runLine] },
      );
      const p = kratix.promise('db');
      await p.put(doc, 201);
      await kratix.resource('db', 'a').put({ size: 1 }, 201);
      await kratix.waitLines('runs', 2);

      await p.put({ ...doc, metadata: { name: 'db', labels: manual } });
      await kratix.waitLines('runs', 3);
      await p.waitFor(b => !('kratix.io/manual-reconciliation' in labelsOf(b)));
      // Only the Promise ran: its Resources did not.
      expect(kratix.lines('runs').sort()).toEqual([
        'promise db',
        'promise db',
        'resource a',
      ]);
    }));

  it('runs all Resources of a Promise for reconcile-resources and removes it', () =>
    withKratix(databases, id, {}, async kratix => {
      const doc = scriptPromise('db', [runLine], { MARKERS: kratix.markers });
      const p = kratix.promise('db');
      await p.put(doc, 201);
      await kratix.resource('db', 'a').put({ size: 1 }, 201);
      await kratix.resource('db', 'b').put({ size: 1 }, 201);
      await kratix.waitLines('runs', 2);

      await p.put({ ...doc, metadata: { name: 'db', labels: allResources } });
      const runs = await kratix.waitLines('runs', 4);
      expect(runs.slice(2).sort()).toEqual(['resource a', 'resource b']);
      expect(labelsOf(await p.get())).toEqual({});
    }));
});
