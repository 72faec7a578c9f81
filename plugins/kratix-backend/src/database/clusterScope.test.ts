// Reconcile mode on several clusters: each cluster's store keeps its own
// work queue, workflow runs and Work placements in the one database, so
// two clusters' objects of the same namespace and name never collide.
import { Knex } from 'knex';
import {
  createStore,
  createTestDatabases,
  resourceKey,
} from './__testUtils__/databases';
import { DatabaseKratixStore } from './DatabaseKratixStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('cluster scope on %p', id => {
  let knex: Knex;
  let prod: DatabaseKratixStore;
  let staging: DatabaseKratixStore;
  let embedded: DatabaseKratixStore;
  const key = resourceKey('db1');

  beforeEach(async () => {
    ({ knex, store: embedded } = await createStore(databases, id));
    prod = new DatabaseKratixStore(knex, { cluster: 'prod' });
    staging = new DatabaseKratixStore(knex, { cluster: 'staging' });
  });

  it('keeps a work queue per cluster', async () => {
    await prod.enqueue(key, { reason: 'prod' });
    await staging.enqueue(key, { reason: 'staging' });
    await staging.enqueue(key, { reason: 'staging again' });
    expect(await embedded.countClaimable()).toBe(0);
    expect(await embedded.nextDueAt()).toBeUndefined();

    const a = await prod.claimNext({ owner: 'p', leaseMs: 60_000 });
    expect(a).toMatchObject({ key, reason: 'prod', seq: 1 });
    expect(await prod.claimNext({ owner: 'p', leaseMs: 60_000 })).toBe(
      undefined,
    );
    // The other cluster's entry of the same object is its own.
    expect(await staging.countClaimable()).toBe(1);
    const b = await staging.claimNext({ owner: 's', leaseMs: 60_000 });
    expect(b).toMatchObject({ key, reason: 'staging again', seq: 2 });
    expect(await prod.isSuperseded(key, 1)).toBe(false);
    expect(await prod.complete(key, 'p', 1)).toBe('removed');
    expect(await staging.isSuperseded(key, 2)).toBe(false);
    expect(await staging.renewLease(key, 's', 1000)).toBe(true);
    expect(await staging.complete(key, 's', 2)).toBe('removed');
  });

  it('keeps workflow runs and Work placements per cluster', async () => {
    const run = (store: DatabaseKratixStore) =>
      store.createWorkflowRun({
        key,
        type: 'resource',
        action: 'configure',
        generation: 1,
        pipelines: ['p'],
      });
    const inProd = await run(prod);
    const inStaging = await run(staging);
    expect((await prod.listWorkflowRuns(key)).map(r => r.id)).toEqual([inProd]);
    expect((await staging.listWorkflowRuns(key)).map(r => r.id)).toEqual([
      inStaging,
    ]);
    expect(await prod.getWorkflowRun(inStaging)).toBeUndefined();
    expect(await embedded.listWorkflowRuns(key)).toEqual([]);

    // The same placement on both: no clash, and each replaced alone.
    const placement = { pipeline: 'p', groupId: 'g1', destination: 'dev' };
    await prod.replaceWorkPlacements(key, 'p', [placement]);
    await staging.replaceWorkPlacements(key, 'p', [placement]);
    await staging.replaceWorkPlacements(key, 'p', []);
    expect(await prod.listWorkPlacements(key)).toEqual([placement]);
    expect(await staging.listWorkPlacements(key)).toEqual([]);
  });
});
