// Leader election on a real kube-apiserver, as the ServiceAccount of the
// shipped kubernetes/rbac.yaml, with the default timings.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { asServiceAccount } from '../__testUtils__/impersonation';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from '../__testUtils__/kubeTestCluster';
import {
  LeaderElector,
  LeaseApi,
  readLeaderElectionConfig,
} from './leaderElection';

jest.setTimeout(120_000);

const RBAC = path.resolve(__dirname, '../../../kubernetes/rbac.yaml');
const NAMESPACE = 'kratix-platform-system';

let cluster: KubeTestCluster;
let kubeConfig: KubeConfig;
let admin: CoordinationV1Api;
const electors: LeaderElector[] = [];

beforeAll(async () => {
  cluster = await startKubeTestCluster();
  for (const name of ['backstage', NAMESPACE]) {
    await cluster.apply(
      `{ apiVersion: v1, kind: Namespace, metadata: { name: ${name} } }`,
    );
  }
  await cluster.apply(fs.readFileSync(RBAC, 'utf8'));
  kubeConfig = asServiceAccount(
    cluster,
    'backstage',
    'kratix-backstage',
  ).kubeConfig;
  admin = cluster.kubeConfig.makeApiClient(CoordinationV1Api);
});

afterAll(async () => {
  await Promise.all(electors.map(e => e.stop({ release: false })));
  cluster?.stop();
});

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function elector(
  leaseName: string,
  identity: string,
  api?: LeaseApi,
): LeaderElector {
  const e = new LeaderElector({ kubeConfig, leaseName, identity, api });
  electors.push(e);
  return e;
}

/** Samples who leads every 20 ms; `most` is the most leaders at once. */
function sampleLeaders(all: LeaderElector[]) {
  const sampler = { most: 0, samples: 0, stop: () => {} };
  const timer = setInterval(() => {
    sampler.samples++;
    const leaders = all.filter(e => e.isLeader()).length;
    sampler.most = Math.max(sampler.most, leaders);
  }, 20);
  sampler.stop = () => clearInterval(timer);
  return sampler;
}

/** Milliseconds from now until `e` leads (fails after 30 s). */
async function untilLeads(e: LeaderElector): Promise<number> {
  const start = Date.now();
  while (!e.isLeader()) {
    if (Date.now() - start > 30_000) throw new Error(`${e.identity} never led`);
    await sleep(10);
  }
  return Date.now() - start;
}

const readLease = (name: string) =>
  admin.readNamespacedLease({ name, namespace: NAMESPACE });

describe('LeaderElector', () => {
  it('elects one; another takes over a crashed leader within 15 s, a stopped one at its next try', async () => {
    const a = elector('crash', 'replica-a');
    const b = elector('crash', 'replica-b');
    const changes: string[] = [];
    a.onChange(l => changes.push(`a ${l}`));
    b.onChange(l => changes.push(`b ${l}`));
    await a.start();
    await b.start();
    const sampler = sampleLeaders([a, b]);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    const term = a.signal;
    expect(term.aborted).toBe(false);
    expect(b.signal.aborted).toBe(true);
    expect((await readLease('crash')).spec).toMatchObject({
      holderIdentity: 'replica-a',
      leaseDurationSeconds: 10,
      leaseTransitions: 0,
    });

    // b waits for the Lease to expire: a renews it meanwhile.
    await sleep(3000);
    expect(b.isLeader()).toBe(false);

    // A crash: a stops renewing and never releases.
    await a.stop({ release: false });
    expect(term.aborted).toBe(true);
    const takeover = await untilLeads(b);
    expect(takeover).toBeLessThan(15_000);
    // Not before the Lease could expire (10 s after a's last renewal).
    expect(takeover).toBeGreaterThan(7_000);
    expect((await readLease('crash')).spec).toMatchObject({
      holderIdentity: 'replica-b',
      leaseTransitions: 1,
    });

    // A graceful stop releases the Lease: taken at the next try (2 s).
    const c = elector('crash', 'replica-c');
    c.onChange(l => changes.push(`c ${l}`));
    await c.start();
    await sleep(500);
    expect(c.isLeader()).toBe(false);
    const stopped = Date.now();
    await b.stop();
    await untilLeads(c);
    expect(Date.now() - stopped).toBeLessThan(2_500);
    expect((await readLease('crash')).spec).toMatchObject({
      holderIdentity: 'replica-c',
      leaseTransitions: 2,
    });

    sampler.stop();
    await c.stop();
    expect(sampler.samples).toBeGreaterThan(500);
    expect(sampler.most).toBe(1);
    expect(changes).toEqual([
      'a true',
      'a false',
      'b true',
      'b false',
      'c true',
      'c false',
    ]);
  });

  it('a leader that cannot reach the API server steps down before another takes over', async () => {
    let cut = false;
    const real = kubeConfig.makeApiClient(CoordinationV1Api);
    const guard = <R>(call: () => Promise<R>) =>
      cut ? Promise.reject(new Error('connect ECONNREFUSED')) : call();
    const a = elector('partition', 'replica-a', {
      readNamespacedLease: p => guard(() => real.readNamespacedLease(p)),
      createNamespacedLease: p => guard(() => real.createNamespacedLease(p)),
      replaceNamespacedLease: p => guard(() => real.replaceNamespacedLease(p)),
    });
    const b = elector('partition', 'replica-b');
    await a.start();
    await b.start();
    const sampler = sampleLeaders([a, b]);
    const order: string[] = [];
    a.onChange(l => order.push(`a ${l}`));
    b.onChange(l => order.push(`b ${l}`));

    const term = a.signal;
    cut = true;
    const takeover = await untilLeads(b);
    expect(takeover).toBeLessThan(15_000);
    expect(order).toEqual(['a false', 'b true']);
    expect(term.aborted).toBe(true);

    // Back on the network, a follows.
    cut = false;
    await sleep(2500);
    expect(a.isLeader()).toBe(false);
    expect(b.isLeader()).toBe(true);
    sampler.stop();
    expect(sampler.most).toBe(1);
  });

  it('a renewal answered after its deadline starts no term: another may lead by then', async () => {
    // a's write lands, but its answer comes 5 s later (a stalled replica,
    // a slow API server): b has taken the Lease over meanwhile.
    const real = kubeConfig.makeApiClient(CoordinationV1Api);
    let slow = false;
    const late: LeaseApi = {
      readNamespacedLease: p => real.readNamespacedLease(p),
      createNamespacedLease: p => real.createNamespacedLease(p),
      replaceNamespacedLease: async p => {
        const written = await real.replaceNamespacedLease(p);
        if (slow) {
          slow = false;
          await sleep(5000);
        }
        return written;
      },
    };
    const timings = { leaseDurationSeconds: 3, renewIntervalSeconds: 1 };
    const make = (identity: string, api?: LeaseApi) => {
      const e = new LeaderElector({
        kubeConfig,
        leaseName: 'late',
        identity,
        api,
        ...timings,
      });
      electors.push(e);
      return e;
    };
    const a = make('replica-a', late);
    const b = make('replica-b');
    await a.start();
    await b.start();
    const changes: string[] = [];
    a.onChange(l => changes.push(`a ${l}`));
    b.onChange(l => changes.push(`b ${l}`));
    expect(a.isLeader()).toBe(true);

    slow = true;
    await untilLeads(b);
    // a's late answer, then its next try: b holds the Lease.
    await sleep(4000);
    expect(changes).toEqual(['a false', 'b true']);
    expect([a.isLeader(), b.isLeader()]).toEqual([false, true]);
    expect((await readLease('late')).spec?.holderIdentity).toBe('replica-b');
  });

  it('a stalled leader knows at once that it leads no more, before its timers run', async () => {
    const a = new LeaderElector({
      kubeConfig,
      leaseName: 'stall',
      identity: 'replica-a',
      leaseDurationSeconds: 3,
      renewIntervalSeconds: 1,
    });
    electors.push(a);
    await a.start();
    expect(a.isLeader()).toBe(true);
    // The event loop blocked past the lead (2 s after the renewal began).
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      // stalled
    }
    expect(a.isLeader()).toBe(false);
  });

  it('of two racing for the Lease, the one whose write comes second gets 409 and follows', async () => {
    // b reads the Lease with a, but writes only after a has written.
    const real = kubeConfig.makeApiClient(CoordinationV1Api);
    const writeErrors: unknown[] = [];
    let aWrote: () => void = () => {};
    let gate = new Promise<void>(resolve => {
      aWrote = resolve;
    });
    const lagging: LeaseApi = {
      readNamespacedLease: async p => {
        const read = await real.readNamespacedLease(p).then(
          lease => ({ lease }),
          error => ({ error }),
        );
        await gate;
        if ('error' in read) throw read.error;
        return read.lease;
      },
      createNamespacedLease: p =>
        real.createNamespacedLease(p).catch(e => {
          writeErrors.push(e.code);
          throw e;
        }),
      replaceNamespacedLease: p =>
        real.replaceNamespacedLease(p).catch(e => {
          writeErrors.push(e.code);
          throw e;
        }),
    };

    // No Lease yet: both create it.
    const a = elector('race', 'replica-a');
    const b = elector('race', 'replica-b', lagging);
    const bStarted = b.start();
    await a.start();
    aWrote();
    await bStarted;
    expect(writeErrors).toEqual([409]);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);

    // A released Lease: both take it over.
    await b.stop();
    await a.stop();
    expect((await readLease('race')).spec?.holderIdentity).toBeUndefined();
    gate = new Promise<void>(resolve => {
      aWrote = resolve;
    });
    const c = elector('race', 'replica-c');
    const d = elector('race', 'replica-d', lagging);
    const sampler = sampleLeaders([c, d]);
    const dStarted = d.start();
    await c.start();
    aWrote();
    await dStarted;
    expect(writeErrors).toEqual([409, 409]);
    expect([c.isLeader(), d.isLeader()]).toEqual([true, false]);
    // d retries, sees c hold the Lease, and follows.
    await sleep(4500);
    sampler.stop();
    expect([c.isLeader(), d.isLeader()]).toEqual([true, false]);
    expect(sampler.most).toBe(1);
    expect((await readLease('race')).spec).toMatchObject({
      holderIdentity: 'replica-c',
      leaseTransitions: 1,
    });
  });
});

describe('readLeaderElectionConfig', () => {
  const read = (leaderElection?: object) =>
    readLeaderElectionConfig(
      new ConfigReader({ kratix: { kubernetes: { leaderElection } } }),
    );

  it('defaults to a takeover within 15 s', () => {
    expect(read()).toEqual({
      leaseName: 'kratix-backstage-reconciler',
      leaseNamespace: 'kratix-platform-system',
      leaseDurationSeconds: 10,
      renewIntervalSeconds: 2,
    });
    expect(read({ leaseName: 'mine', renewIntervalSeconds: 0.5 })).toEqual(
      expect.objectContaining({ leaseName: 'mine', renewIntervalSeconds: 0.5 }),
    );
  });

  it('refuses settings a leader could not keep, naming the key', () => {
    expect(() => read({ leaseDurationSeconds: 1 })).toThrow(
      'kratix.kubernetes.leaderElection.leaseDurationSeconds must be a whole number of seconds, at least 3, not 1',
    );
    expect(() => read({ renewIntervalSeconds: 5 })).toThrow(
      'kratix.kubernetes.leaderElection.renewIntervalSeconds must be more than 0 and at most a third of leaseDurationSeconds (10), not 5',
    );
    expect(() => read({ leaseNamespace: 'Kratix' })).toThrow(
      "kratix.kubernetes.leaderElection.leaseNamespace must be a Kubernetes name (lower case letters, digits, '-', '.'), not 'Kratix'",
    );
  });
});
