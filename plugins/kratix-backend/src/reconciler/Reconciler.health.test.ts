// HealthRecords (spec section 6) next to running workflows: a workflow's
// saves neither drop nor bring back the health fields; the worst state wins;
// deleting the last record removes them.
import { createTestDatabases } from '../database/__testUtils__/databases';
import { isConfigured, scriptPromise } from '../__testUtils__/scriptPromise';
import { KratixApi, withKratix } from '../__testUtils__/kratixApi';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Applies a HealthRecord for Resource `default/r` of Promise `app`. */
function putHealth(
  kratix: KratixApi,
  name: string,
  data: { state: string; lastRun: number },
) {
  return kratix
    .http()
    .put(`/api/kratix/healthrecords/default/${name}`)
    .send({
      apiVersion: 'platform.kratix.io/v1alpha1',
      kind: 'HealthRecord',
      metadata: { name, namespace: 'default' },
      data: {
        promiseRef: { name: 'app' },
        resourceRef: { name: 'r', namespace: 'default' },
        details: { from: name },
        ...data,
      },
    })
    .expect(201);
}

const deleteHealth = (kratix: KratixApi, name: string) =>
  kratix.http().delete(`/api/kratix/healthrecords/default/${name}`).expect(204);

describe.each(databases.eachSupportedId())('Reconciler health on %p', id => {
  it("keeps the HealthRecords' fields as they are when a workflow saves", () =>
    withKratix(databases, id, {}, async kratix => {
      const gate = kratix.gate('go');
      await kratix.promise('app').put(
        scriptPromise(
          'app',
          [
            {
              name: 'work',
              script: `echo run >> "$MARKERS/runs"
${gate.script}
printf 'message: worked\\n' > /kratix/metadata/status.yaml`,
            },
          ],
          { MARKERS: kratix.markers },
        ),
        201,
      );
      const r = kratix.resource('app', 'r');
      await r.put({ size: 1 }, 201);

      // Added during a run: still there after it.
      await kratix.waitLines('runs', 1);
      await putHealth(kratix, 'h1', { state: 'degraded', lastRun: 100 });
      gate.open();
      const first = await r.waitFor(isConfigured);
      expect(first.status.message).toBe('worked');
      expect(first.status.healthRecord).toEqual({
        state: 'degraded',
        lastRun: 100,
        details: { from: 'h1' },
      });
      expect(first.status.healthStatus.state).toBe('degraded');

      // Deleted during a run: not brought back by it.
      gate.close();
      await r.reconcile();
      await kratix.waitLines('runs', 2);
      await deleteHealth(kratix, 'h1');
      gate.open();
      await r.waitFor(isConfigured);
      const runs = await kratix.resource('app', 'r').runs();
      expect(runs.map(run => run.phase)).toEqual(['Succeeded', 'Succeeded']);
      const second = await r.get();
      expect(second.status.healthRecord).toBeUndefined();
      expect(second.status.healthStatus).toBeUndefined();
      expect(second.status.message).toBe('worked');
    }));

  it('shows the worst HealthRecord, and removes the fields with the last one', () =>
    withKratix(databases, id, {}, async kratix => {
      await kratix
        .promise('app')
        .put(scriptPromise('app', [{ name: 'noop', script: 'true' }]), 201);
      const r = kratix.resource('app', 'r');
      await r.put({ size: 1 }, 201);
      const before = (await r.waitFor(isConfigured)).status;

      await putHealth(kratix, 'h1', { state: 'healthy', lastRun: 300 });
      await putHealth(kratix, 'h2', { state: 'degraded', lastRun: 100 });
      await putHealth(kratix, 'h3', { state: 'degraded', lastRun: 200 });
      const worst = (await r.get()).status;
      // degraded beats healthy; of two degraded, the newest lastRun.
      expect(worst.healthRecord).toEqual({
        state: 'degraded',
        lastRun: 200,
        details: { from: 'h3' },
      });
      const entry = (name: string, state: string, lastRun: number) => ({
        state,
        lastRun,
        source: { name, namespace: 'default' },
        details: { from: name },
      });
      expect(worst.healthStatus).toEqual({
        state: 'degraded',
        healthRecords: [
          entry('h3', 'degraded', 200),
          entry('h2', 'degraded', 100),
          entry('h1', 'healthy', 300),
        ],
      });

      await deleteHealth(kratix, 'h3');
      await deleteHealth(kratix, 'h2');
      const healthy = (await r.get()).status;
      expect(healthy.healthRecord.state).toBe('healthy');
      expect(healthy.healthStatus.healthRecords).toHaveLength(1);

      await deleteHealth(kratix, 'h1');
      const after = (await r.get()).status;
      expect(after).not.toHaveProperty('healthRecord');
      expect(after).not.toHaveProperty('healthStatus');
      expect(after).toEqual(before);
    }));
});
