// Two backends in reconcile mode on one cluster and one database (each a
// real backend process), a 3 s Lease: the leader is frozen (SIGSTOP, a
// stall as of a GC or a starved CPU) past its Lease, again and again,
// while Resources are created and reconciled. Each Resource's workflow
// runs once: one recorded run, trigger create. (Before the fences of
// Reconciler.ts, ClusterController.ts and leaderElection.ts, some ran
// twice, both runs with trigger create.)
import fs from 'node:fs';
import path from 'node:path';
import { POSTGRES_ENV } from '../../database/__testUtils__/databases';
import { eventually } from '../../__testUtils__/startKratix';
import { EngineProcess } from '../../__testUtils__/spawnEngine';
import {
  leaseHolder,
  replicaProcesses,
} from '../__testUtils__/replicaProcesses';
import {
  apiPromiseYaml,
  reconcileFixture,
  resourceWorkflows,
  shContainer,
  testApi,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(300_000);

const f = reconcileFixture({ name: 'stall', platformNamespace: true });
// About 90 s: only when asked (KRATIX_STRESS_TESTS=1), on Postgres.
const onPostgres =
  process.env[POSTGRES_ENV] && process.env.KRATIX_STRESS_TESTS
    ? describe
    : describe.skip;
const TICKS = testApi('ticks');
const NAMES = ['t1', 't2', 't3', 't4', 't5', 't6'];
const settle = (ms: number) => new Promise(r => setTimeout(r, ms));

let engines: EngineProcess[] = [];

/** The engine whose process holds the Lease (its identity names its pid). */
async function leader(): Promise<EngineProcess | undefined> {
  const pid = Number((await leaseHolder(f))?.split('-').at(-2));
  if (!pid) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return engines.find(e => e.pgid === pgid);
  } catch {
    return undefined;
  }
}

onPostgres('two replicas, the leader stalling', () => {
  it('runs each Resource once though its leader stalls past its Lease', async () => {
    const replicas = await replicaProcesses(f);
    engines = replicas.engines;
    await replicas.spawn('a');
    await eventually(async () => ((await leader()) ? true : undefined), 60_000);
    await replicas.spawn('b');

    await f.cluster.apply(
      apiPromiseYaml(
        { name: 'tick', kind: 'Tick', plural: 'ticks' },
        resourceWorkflows({
          configure: {
            first: shContainer(
              'first',
              'first:v1',
              `echo first >> "${f.markers}/$KRATIX_OBJECT_NAME.runs"`,
              'sleep 0.5',
            ),
            second: shContainer(
              'second',
              'second:v1',
              `echo second >> "${f.markers}/$KRATIX_OBJECT_NAME.runs"`,
              'sleep 0.5',
              "echo 'message: done' > /kratix/metadata/status.yaml",
            ),
          },
        }),
      ),
    );
    await f.promiseAvailable('tick');

    // The Resources come one after the other while the leader stalls.
    const stalls = (async () => {
      for (let i = 0; i < 4; i++) {
        const frozen = await eventually(leader, 60_000);
        frozen.freeze(true);
        await settle(3500 + 700 * i);
        frozen.freeze(false);
        await settle(1200);
      }
    })();
    for (const name of NAMES) {
      await f.applyResource('Tick', name);
      await settle(900);
    }
    await stalls;

    for (const name of NAMES) {
      await eventually(async () => {
        const t = await f.read(TICKS, name, 'default');
        return t?.status?.observedGeneration === 1 ? t : undefined;
      }, 120_000);
    }
    // Then a while for a second run, if one was coming.
    await settle(4000);
    const runs: Record<string, string[]> = {};
    for (const name of NAMES) {
      const res = await fetch(
        `${engines[0].api}/promises/tick/resources/default/${name}/runs`,
        { headers: { authorization: engines[0].authorization } },
      );
      runs[name] = (((await res.json()) as any).items ?? []).map(
        (r: any) => `${r.trigger} ${r.phase}`,
      );
      // Each pipeline ran. (A pipeline may run again within the one run:
      // a leader frozen between its status write and its run log's shows
      // the next one a finished pipeline that the run log lacks.)
      const ran = fs.readFileSync(path.join(f.markers, `${name}.runs`), 'utf8');
      expect(new Set(ran.trim().split('\n'))).toEqual(
        new Set(['first', 'second']),
      );
    }
    expect(runs).toEqual(
      Object.fromEntries(NAMES.map(n => [n, ['create Succeeded']])),
    );
  });
});
