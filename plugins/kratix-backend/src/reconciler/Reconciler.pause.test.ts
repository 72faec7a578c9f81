// Paused reconciliation (label kratix.io/paused: "true", as in upstream
// Kratix): on a Resource, or on its Promise.
import { createTestDatabases } from '../database/__testUtils__/databases';
import {
  condition,
  isConfigured,
  scriptPromise,
} from '../__testUtils__/scriptPromise';
import { settle, specField, withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const paused = { 'kratix.io/paused': 'true' };
/** Its pipeline appends `<name> <spec.size>` to `$MARKERS/runs`. */
const sizePromise = (markers: string) =>
  scriptPromise(
    'db',
    [
      {
        name: 'size',
        script: `echo "$KRATIX_OBJECT_NAME ${specField(
          'size',
        )}" >> "$MARKERS/runs"`,
      },
    ],
    { MARKERS: markers },
  );
const isPausedNow = (body: any) =>
  condition(body, 'Reconciled')?.reason === 'PausedReconciliation';

describe.each(databases.eachSupportedId())(
  'paused reconciliation on %p',
  id => {
    it('runs no workflow for a paused Resource until the label goes', () =>
      withKratix(databases, id, {}, async kratix => {
        const doc = sizePromise(kratix.markers);
        await kratix.promise('db').put(doc, 201);
        const r = kratix.resource('db', 'a');
        const url = r.url;
        await kratix
          .http()
          .put(url)
          .send({ metadata: { labels: paused }, spec: { size: 1 } })
          .expect(201);
        const held = await r.waitFor(isPausedNow);
        expect(condition(held, 'Reconciled')).toMatchObject({
          status: 'Unknown',
          reason: 'PausedReconciliation',
          message: 'Paused',
        });
        expect(held.status.message).toBe('Pending');

        // A new spec while paused: still nothing runs.
        await kratix
          .http()
          .put(url)
          .send({ metadata: { labels: paused }, spec: { size: 2 } })
          .expect(200);
        await settle(400);
        expect(kratix.lines('runs')).toEqual([]);
        expect(await r.runs()).toEqual([]);

        // The label goes: the latest spec runs.
        await kratix
          .http()
          .put(url)
          .send({ metadata: { labels: {} }, spec: { size: 2 } })
          .expect(200);
        const done = await r.waitFor(
          b => isConfigured(b) && condition(b, 'Reconciled')?.status === 'True',
        );
        expect(done.metadata.generation).toBe(2);
        expect(kratix.lines('runs')).toEqual(['a 2']);
      }));

    it("pauses a Promise's Resources with the Promise", () =>
      withKratix(databases, id, {}, async kratix => {
        const doc = sizePromise(kratix.markers);
        await kratix.promise('db').put(doc, 201);
        const r = kratix.resource('db', 'a');
        await r.put({ size: 1 }, 201);
        await r.waitFor(isConfigured);

        const pausedDoc = {
          ...doc,
          metadata: { ...doc.metadata, labels: paused },
        };
        await kratix.promise('db').put(pausedDoc, 200);
        await r.waitFor(isPausedNow);
        await r.put({ size: 2 });
        await settle(400);
        expect(kratix.lines('runs')).toEqual(['a 1']);

        await kratix.promise('db').put(doc, 200);
        await r.waitFor(
          b =>
            b.metadata.generation === 2 &&
            condition(b, 'Reconciled')?.status === 'True',
        );
        expect(kratix.lines('runs')).toEqual(['a 1', 'a 2']);
      }));
  },
);
