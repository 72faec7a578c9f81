import { DatabaseKratixStore } from './DatabaseKratixStore';
import {
  createStore,
  createTestDatabases,
  resourceKey,
  secondPool,
  testClock,
} from './__testUtils__/databases';
import { WorkItem } from './WorkQueue';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const LEASE = 60_000;
const keyString = (item: WorkItem) =>
  `${item.key.promise}/${item.key.namespace}/${item.key.name}`;

describe.each(databases.eachSupportedId())('work queue on %p', databaseId => {
  async function setup() {
    const clock = testClock();
    const { knex, store } = await createStore(databases, databaseId, {
      now: clock.now,
    });
    return { clock, knex, store };
  }

  it('claims, completes and forgets an entry', async () => {
    const { store } = await setup();
    expect(
      await store.claimNext({ owner: 'a', leaseMs: LEASE }),
    ).toBeUndefined();
    expect(await store.nextDueAt()).toBeUndefined();

    await store.enqueue(resourceKey('db1'), { reason: 'created' });
    const item = await store.claimNext({ owner: 'a', leaseMs: LEASE });
    expect(item).toEqual({
      key: resourceKey('db1'),
      reason: 'created',
      seq: 1,
      failures: 0,
    });
    // Leased: nobody else gets it.
    expect(
      await store.claimNext({ owner: 'b', leaseMs: LEASE }),
    ).toBeUndefined();
    expect(await store.isSuperseded(resourceKey('db1'), 1)).toBe(false);
    expect(await store.complete(resourceKey('db1'), 'b', 1)).toBe('lost');
    expect(await store.complete(resourceKey('db1'), 'a', 1)).toBe('removed');
    expect(
      await store.claimNext({ owner: 'a', leaseMs: LEASE }),
    ).toBeUndefined();
    expect(await store.nextDueAt()).toBeUndefined();
  });

  it('keeps one entry per object with the earliest notBefore', async () => {
    const { clock, store } = await setup();
    const t0 = clock.ms;
    await store.enqueue(resourceKey('db1'), {
      reason: 'interval',
      notBefore: new Date(t0 + 5000),
    });
    await store.enqueue(resourceKey('db1'), {
      reason: 'spec changed',
      notBefore: new Date(t0 + 1000),
    });
    await store.enqueue(resourceKey('db1'), {
      reason: 'later',
      notBefore: new Date(t0 + 9000),
    });
    expect(await store.nextDueAt()).toEqual(new Date(t0 + 1000));
    expect(
      await store.claimNext({ owner: 'a', leaseMs: LEASE }),
    ).toBeUndefined();

    clock.advance(1000);
    const item = await store.claimNext({ owner: 'a', leaseMs: LEASE });
    expect(item).toEqual({
      key: resourceKey('db1'),
      reason: 'spec changed',
      seq: 3,
      failures: 0,
    });
    expect(
      await store.claimNext({ owner: 'b', leaseMs: LEASE }),
    ).toBeUndefined();
  });

  it('takes the reason of a request due now, keeping the earlier time', async () => {
    const { clock, store } = await setup();
    const t0 = clock.ms;
    await store.enqueue(resourceKey('db1'), { reason: 'interval' });
    clock.advance(1000);
    await store.enqueue(resourceKey('db1'), { reason: 'manual' });
    expect(await store.nextDueAt()).toEqual(new Date(t0));
    const item = await store.claimNext({ owner: 'a', leaseMs: LEASE });
    expect(item?.reason).toBe('manual');
  });

  it('claims due entries in order and honours exclude', async () => {
    const { clock, store } = await setup();
    await store.enqueue(resourceKey('late'), {
      reason: 'r',
      notBefore: new Date(clock.ms + 10),
    });
    await store.enqueue(resourceKey('first'), {
      reason: 'r',
      notBefore: new Date(clock.ms - 20),
    });
    await store.enqueue(resourceKey('second'), {
      reason: 'r',
      notBefore: new Date(clock.ms - 10),
    });
    await store.enqueue(resourceKey('first', 'other'), {
      reason: 'r',
      notBefore: new Date(clock.ms - 30),
    });
    const claim = (exclude = [resourceKey('first', 'other')]) =>
      store.claimNext({ owner: 'a', leaseMs: LEASE, exclude });
    expect((await claim())?.key).toEqual(resourceKey('first'));
    expect((await claim())?.key).toEqual(resourceKey('second'));
    expect(await claim()).toBeUndefined();
    expect((await claim([]))?.key).toEqual(resourceKey('first', 'other'));
  });

  it('renews, loses and reclaims an expired lease', async () => {
    const { clock, store } = await setup();
    const key = resourceKey('db1');
    await store.enqueue(key, { reason: 'created' });
    const item = await store.claimNext({ owner: 'a', leaseMs: 1000 });
    expect(await store.nextDueAt()).toEqual(new Date(clock.ms + 1000));

    clock.advance(900);
    expect(await store.renewLease(key, 'a', 1000)).toBe(true);
    expect(await store.renewLease(key, 'b', 1000)).toBe(false);
    clock.advance(900);
    expect(
      await store.claimNext({ owner: 'b', leaseMs: 1000 }),
    ).toBeUndefined();

    // 'a' crashed: once its lease runs out, 'b' takes over.
    clock.advance(100);
    const taken = await store.claimNext({ owner: 'b', leaseMs: 1000 });
    expect(taken).toEqual(item);
    expect(await store.renewLease(key, 'a', 1000)).toBe(false);
    expect(await store.release(key, 'a')).toBe(false);
    expect(await store.complete(key, 'a', item!.seq)).toBe('lost');
    expect(await store.complete(key, 'b', item!.seq)).toBe('removed');
  });

  it('runs an entry again when it was requested during the run', async () => {
    const { clock, store } = await setup();
    const key = resourceKey('db1');
    await store.enqueue(key, { reason: 'created' });
    const item = (await store.claimNext({ owner: 'a', leaseMs: LEASE }))!;
    await store.enqueue(key, { reason: 'spec changed' });
    expect(await store.isSuperseded(key, item.seq)).toBe(true);
    expect(
      await store.claimNext({ owner: 'b', leaseMs: LEASE }),
    ).toBeUndefined();

    expect(await store.complete(key, 'a', item.seq)).toBe('requeued');
    // The run's next interval does not hide why it runs again.
    await store.enqueue(key, {
      reason: 'interval',
      notBefore: new Date(clock.ms + 5000),
    });
    const again = await store.claimNext({ owner: 'b', leaseMs: LEASE });
    expect(again).toEqual({
      key,
      reason: 'spec changed',
      seq: item.seq + 2,
      failures: 0,
    });
    expect(await store.isSuperseded(key, again!.seq)).toBe(false);
    expect(await store.complete(key, 'b', again!.seq)).toBe('removed');
    expect(await store.isSuperseded(key, again!.seq)).toBe(true);

    // A later request made during a run waits its time (the claimed
    // entry's own past notBefore does not count).
    await store.enqueue(key, { reason: 'created' });
    const third = (await store.claimNext({ owner: 'a', leaseMs: LEASE }))!;
    await store.enqueue(key, {
      reason: 'interval',
      notBefore: new Date(clock.ms + 5000),
    });
    expect(await store.complete(key, 'a', third.seq)).toBe('requeued');
    expect(
      await store.claimNext({ owner: 'a', leaseMs: LEASE }),
    ).toBeUndefined();
    expect(await store.nextDueAt()).toEqual(new Date(clock.ms + 5000));
  });

  it('counts the entries a worker could claim now', async () => {
    const { clock, store } = await setup();
    expect(await store.countClaimable()).toBe(0);
    await store.enqueue(resourceKey('due1'), { reason: 'created' });
    await store.enqueue(resourceKey('due2'), { reason: 'created' });
    await store.enqueue(resourceKey('later'), {
      reason: 'interval',
      notBefore: new Date(clock.ms + 5000),
    });
    expect(await store.countClaimable()).toBe(2);
    await store.claimNext({ owner: 'a', leaseMs: 1000 });
    expect(await store.countClaimable()).toBe(1); // one is leased
    clock.advance(5000);
    // the lease ran out, and `later` is due
    expect(await store.countClaimable()).toBe(3);
  });

  it('releases an entry to retry later', async () => {
    const { clock, store } = await setup();
    const key = resourceKey('db1');
    await store.enqueue(key, { reason: 'created' });
    await store.claimNext({ owner: 'a', leaseMs: LEASE });
    expect(
      await store.release(key, 'a', { notBefore: new Date(clock.ms + 3000) }),
    ).toBe(true);
    expect(
      await store.claimNext({ owner: 'a', leaseMs: LEASE }),
    ).toBeUndefined();
    expect(await store.nextDueAt()).toEqual(new Date(clock.ms + 3000));

    clock.advance(3000);
    await store.claimNext({ owner: 'a', leaseMs: LEASE });
    // Requested again during the run: the earlier time wins over the backoff.
    await store.enqueue(key, {
      reason: 'spec changed',
      notBefore: new Date(clock.ms + 1000),
    });
    await store.release(key, 'a', { notBefore: new Date(clock.ms + 60_000) });
    expect(await store.nextDueAt()).toEqual(new Date(clock.ms + 1000));

    clock.advance(1000);
    await store.claimNext({ owner: 'a', leaseMs: LEASE });
    expect(await store.release(key, 'a')).toBe(true);
    expect(await store.nextDueAt()).toEqual(new Date(clock.ms));
  });

  it('counts failures in a row until a run completes', async () => {
    const { store } = await setup();
    const key = resourceKey('db1');
    const claim = async () =>
      (await store.claimNext({ owner: 'a', leaseMs: LEASE }))!;
    await store.enqueue(key, { reason: 'created' });
    expect((await claim()).failures).toBe(0);
    await store.release(key, 'a', { failures: 1 });
    // A new request keeps the count; a release without one too.
    await store.enqueue(key, { reason: 'spec changed' });
    expect((await claim()).failures).toBe(1);
    await store.release(key, 'a');
    const item = await claim();
    expect(item.failures).toBe(1);
    await store.release(key, 'a', { failures: 2 });
    expect((await claim()).failures).toBe(2);

    // Completed while requested again: due again, with no failures.
    await store.enqueue(key, { reason: 'manual' });
    expect(await store.complete(key, 'a', item.seq)).toBe('requeued');
    expect((await claim()).failures).toBe(0);
  });

  it('never gives one object to two claimers across two backends', async () => {
    const { clock, knex } = await setup();
    const pool = secondPool(knex);
    try {
      const stores = [
        new DatabaseKratixStore(knex, { now: clock.now }),
        new DatabaseKratixStore(pool.knex, { now: clock.now }),
      ];
      const objects = 25;
      for (let i = 0; i < objects; i++) {
        await stores[i % 2].enqueue(resourceKey(`db${i}`), {
          reason: 'created',
        });
      }
      // Twice as many claimers as objects, spread over both backends.
      const claims = await Promise.all(
        Array.from({ length: objects * 2 }, (_, i) =>
          stores[i % 2].claimNext({
            owner: `backend-${i % 2}-worker-${i}`,
            leaseMs: LEASE,
          }),
        ),
      );
      const claimed = claims.filter((c): c is WorkItem => c !== undefined);
      expect(claimed).toHaveLength(objects);
      expect(new Set(claimed.map(keyString)).size).toBe(objects);

      // One object, many claimers, several times: exactly one winner each time.
      for (let round = 0; round < 5; round++) {
        const key = resourceKey(`hot${round}`);
        await stores[0].enqueue(key, { reason: 'created' });
        const winners = (
          await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              stores[i % 2].claimNext({ owner: `w${i}`, leaseMs: LEASE }),
            ),
          )
        ).filter(c => c !== undefined);
        expect(winners).toHaveLength(1);
      }
    } finally {
      await pool.destroy();
    }
  });
});
