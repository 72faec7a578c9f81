// A leader that steps down while one of its workers has just claimed a
// Resource's first run, on a real kube-apiserver with the node agent: two
// replicas on one database. The former leader must not start that run;
// the new leader's sweep queued the Resource (`created`) too. Before the
// fence, both ran it: two runs, both with trigger `create`, two Pods.
import fs from 'node:fs';
import path from 'node:path';
import { createStore } from '../../database/__testUtils__/databases';
import { DatabaseKratixStore } from '../../database/DatabaseKratixStore';
import { eventually } from '../../__testUtils__/startKratix';
import {
  PROMISES,
  manualGate,
  reconcileFixture,
  testApi,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(120_000);

const f = reconcileFixture({ name: 'fencing', platformNamespace: true });
const SLOWS = testApi('slows');
const settle = (ms: number) => new Promise(r => setTimeout(r, ms));

type Hooked = 'claimNext' | 'findInterruptedRun';

/**
 * `store`, whose `method` runs `hook` on a Resource before it answers: as
 * a claim comes back, or as the claimed Resource's run is recorded.
 */
function hooked(
  store: DatabaseKratixStore,
  method: Hooked,
  hook: () => Promise<void>,
): DatabaseKratixStore {
  return new Proxy(store, {
    get(target, p) {
      const value = (target as any)[p];
      if (p !== method) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        const answer = await value.apply(target, args);
        const key = method === 'claimNext' ? answer?.key : args[0];
        if (key?.kind === 'Resource') await hook();
        return answer;
      };
    },
  });
}

it.each([
  ['as its claim comes back', 'claimNext', 'claimed'],
  ['as its run is recorded', 'findInterruptedRun', 'recorded'],
] as const)(
  "a leader stepping down %s starts no Pod; the one run is the next leader's",
  async (_, method, name) => {
    const { store } = await createStore(f.databases, 'SQLITE_3', {
      now: () => Date.now(),
    });
    const gateA = manualGate();
    const gateB = manualGate();
    let armed = false;
    const b = await f.startEngine({ leadership: gateB, database: store });
    const a = await f.startEngine({
      leadership: gateA,
      database: hooked(store, method, async () => {
        if (!armed) return;
        armed = false;
        // A loses the lead here; B takes over, adopts (no Pod yet) and
        // sweeps: B queues the Resource too, while A holds its claim.
        gateA.set(false);
        gateB.set(true);
        await eventually(async () =>
          b.controller.isLeading ? true : undefined,
        );
        await settle(600);
      }),
    });
    gateA.set(true);
    await eventually(async () => (a.controller.isLeading ? true : undefined));

    if (!(await f.read(PROMISES, 'slow'))) {
      await f.applySlowPromise(
        `echo run >> "${f.markers}/$KRATIX_OBJECT_NAME.runs"`,
        "echo 'message: done' > /kratix/metadata/status.yaml",
      );
    }
    armed = true;
    await f.applyResource('Slow', name);
    await eventually(async () => {
      const s = await f.read(SLOWS, name, 'default');
      return s?.status?.observedGeneration === 1 ? s : undefined;
    }, 60_000);
    expect(armed).toBe(false);

    // Then a while for a second run, if one was coming.
    await settle(3000);
    const runs = await b.api().listRuns('slow', 'default', name);
    expect(runs.map(r => [r.trigger, r.phase])).toEqual([
      ['create', 'Succeeded'],
    ]);
    expect(fs.readFileSync(path.join(f.markers, `${name}.runs`), 'utf8')).toBe(
      'run\n',
    );
    expect(
      f.agent.started.filter(p => p.startsWith(`default/kratix-slow-${name}-`)),
    ).toHaveLength(1);
    await b.stop();
    await a.stop();
  },
);
