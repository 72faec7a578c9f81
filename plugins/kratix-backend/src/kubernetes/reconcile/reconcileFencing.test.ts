// Why a Resource's first workflow ran twice (two runs with trigger
// `create`), on a real kube-apiserver with the node agent. (1) A leader
// stepping down while its worker had just claimed the Resource, or was
// recording its run: it ran on, and the next leader (same database),
// whose sweep had queued it too, ran it again. (2) A new term's first
// sweep, its watch cache not yet showing the run that just ended. And a
// term lost as it begins must not go on to sweep and reconcile.
import fs from 'node:fs';
import path from 'node:path';
import { createStore } from '../../database/__testUtils__/databases';
import { DatabaseKratixStore } from '../../database/DatabaseKratixStore';
import { eventually } from '../../__testUtils__/startKratix';
import {
  PROMISES,
  ReconcileEngine,
  manualGate,
  plainPromiseYaml,
  reconcileFixture,
  testApi,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(120_000);

const f = reconcileFixture({ name: 'fencing', platformNamespace: true });
const SLOWS = testApi('slows');
const settle = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The Promise `slow`: each run of a Resource's pipeline waits for its go. */
async function slowPromise() {
  if (await f.read(PROMISES, 'slow')) return;
  await f.applySlowPromise(
    `echo run >> "${f.markers}/$KRATIX_OBJECT_NAME.runs"`,
    `until [ -f "${f.markers}/$KRATIX_OBJECT_NAME.go" ]; do sleep 0.1; done`,
    "echo 'message: done' > /kratix/metadata/status.yaml",
  );
}

/** After a while for a second run, if one was coming: one run, one Pod. */
async function expectOneRun(engine: ReconcileEngine, name: string) {
  await settle(3000);
  const runs = await engine.api().listRuns('slow', 'default', name);
  expect(runs.map(r => [r.trigger, r.phase])).toEqual([
    ['create', 'Succeeded'],
  ]);
  expect(fs.readFileSync(path.join(f.markers, `${name}.runs`), 'utf8')).toBe(
    'run\n',
  );
  expect(
    f.agent.started.filter(p => p.startsWith(`default/kratix-slow-${name}-`)),
  ).toHaveLength(1);
}

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

    await slowPromise();
    fs.writeFileSync(path.join(f.markers, `${name}.go`), '');
    armed = true;
    await f.applyResource('Slow', name);
    await eventually(async () => {
      const s = await f.read(SLOWS, name, 'default');
      return s?.status?.observedGeneration === 1 ? s : undefined;
    }, 60_000);
    expect(armed).toBe(false);

    await expectOneRun(b, name);
    await b.stop();
    await a.stop();
  },
);

it("does not run a Resource again when the watch cache lags its run at a new term's sweep", async () => {
  const gate = manualGate();
  const engine = await f.startEngine({ leadership: gate });
  gate.set(true);
  await slowPromise();
  await f.applyResource('Slow', 'lagging');
  // The Resource as its run goes on: what a lagging cache still shows.
  await eventually(async () =>
    fs.existsSync(path.join(f.markers, 'lagging.runs')) ? true : undefined,
  );
  const stale = await f.read(SLOWS, 'lagging', 'default');
  expect(stale.status?.observedGeneration).toBeUndefined();
  fs.writeFileSync(path.join(f.markers, 'lagging.go'), '');
  await eventually(async () => {
    const s = await f.read(SLOWS, 'lagging', 'default');
    return s?.status?.observedGeneration === 1 ? s : undefined;
  });

  // The watch cache lags (an edge the test cannot bring about on time):
  // it shows the Resource as it was during the run.
  const cache = (engine.controller as any).options.store.cache;
  const resources = cache.resources.bind(cache);
  cache.resources = (promise: string) => {
    const list = resources(promise);
    return typeof list === 'string'
      ? list
      : list.map((r: any) => (r.metadata.name === 'lagging' ? stale : r));
  };
  // A new term: its first sweep sees the Resource for the first time.
  gate.set(false);
  await eventually(async () =>
    engine.controller.isLeading ? undefined : true,
  );
  gate.set(true);
  await expectOneRun(engine, 'lagging');
  await engine.stop();
});

it('a term lost as it begins neither sweeps nor reconciles', async () => {
  const gate = manualGate();
  let armed = true;
  // The Lease is lost just as the term begins (its change queued behind).
  const logger: any = {
    debug: () => {},
    warn: () => {},
    error: () => {},
    info: (m: string) => {
      if (armed && /leading, reconciling/.test(m)) gate.set(false);
    },
    child: () => logger,
  };
  await f.startEngine({ leadership: gate, logger });
  await f.cluster.apply(plainPromiseYaml('plain'));
  gate.set(true);
  await settle(1500);
  const untouched = await f.read(PROMISES, 'plain');
  expect(untouched.metadata.finalizers).toBeUndefined();
  expect(untouched.status).toBeUndefined();

  // A term that holds: reconciled.
  armed = false;
  gate.set(true);
  const available = await f.promiseAvailable('plain');
  expect(available.metadata.finalizers).toContain('kratix.io/api-crd-cleanup');
});
