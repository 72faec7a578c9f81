// Issue 4: two engine instances on one database never run a pipeline of the
// same object at once, and together finish all the work. On Postgres each
// instance has its own connection pool, as two backend replicas do; SQLite
// in memory can only share one connection, so there they share the knex.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  createTestDatabases,
  secondPool,
} from '../database/__testUtils__/databases';
import {
  eventually,
  sandboxWritableDir,
  startKratix,
} from '../__testUtils__/startKratix';
import {
  configureCondition,
  scriptPromise,
} from '../__testUtils__/scriptPromise';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const RESOURCES = 12;

// Each pipeline writes start and end lines, with an id of its run and its
// engine instance (from the instance's own ConfigMap), to a file per object.
const marked = `run=$(cat /proc/sys/kernel/random/uuid)
echo "start $KRATIX_PIPELINE_NAME $run $ENGINE" >> "$MARKERS/$KRATIX_OBJECT_NAME.log"
sleep 0.1
echo "end $KRATIX_PIPELINE_NAME $run $ENGINE" >> "$MARKERS/$KRATIX_OBJECT_NAME.log"`;

describe.each(databases.eachSupportedId())('two engines on %p', id => {
  it('runs every workflow once at a time per object, and finishes all', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-two-'));
    const markers = sandboxWritableDir(dir, 'markers');
    const knex = await databases.init(id);
    const pool = secondPool(knex);
    const instance = (name: string, shared: typeof knex) => {
      fs.mkdirSync(path.join(dir, name));
      return startKratix(databases, id, {
        knex: shared,
        kratix: {
          engine: { concurrency: 3, workDir: path.join(dir, name) },
          runner: {
            process: {
              sandbox: { writablePaths: [markers] },
              configMaps: { engine: { name } },
            },
          },
        },
      });
    };
    const engines = [await instance('a', knex), await instance('b', pool.knex)];
    const url = (n: number) =>
      `/api/kratix/promises/twice/resources/default/r${n}`;
    try {
      const promise = scriptPromise(
        'twice',
        [
          { name: 'one', script: marked },
          { name: 'two', script: marked },
        ],
        { MARKERS: markers },
      );
      for (const pipeline of promise.spec.workflows.resource.configure) {
        pipeline.spec.containers[0].env.push({
          name: 'ENGINE',
          valueFrom: { configMapKeyRef: { name: 'engine', key: 'name' } },
        } as any);
      }
      await request(engines[0].server)
        .put('/api/kratix/promises/twice')
        .send(promise)
        .expect(201);
      const names = Array.from({ length: RESOURCES }, (_, n) => n);
      await Promise.all(
        names.map(n =>
          request(engines[n % 2].server)
            .put(url(n))
            .send({ spec: { n } })
            .expect(201),
        ),
      );
      // A reconcile asked for while a run may hold the lease: it runs
      // again after, never beside it.
      await Promise.all(
        names.map(n =>
          request(engines[(n + 1) % 2].server)
            .post(`${url(n)}/reconcile`)
            .expect(202),
        ),
      );

      const soon = Date.now() + 3600_000;
      await eventually(async () => {
        const busy = await knex('work_queue')
          .whereNotNull('lease_until')
          .orWhere('not_before', '<', soon)
          .first();
        return busy ? undefined : true;
      }, 40_000);

      const instances = new Set<string>();
      for (const n of names) {
        const res = await request(engines[n % 2].server).get(url(n));
        expect(configureCondition(res.body)?.status).toBe('True');
        const lines = fs
          .readFileSync(path.join(markers, `r${n}.log`), 'utf8')
          .trim()
          .split('\n');
        // start one, end one, start two, end two, and again when re-run.
        expect([4, 8]).toContain(lines.length);
        lines.forEach((line, i) => {
          const [event, pipeline, run, engine] = line.split(' ');
          expect(event).toBe(i % 2 ? 'end' : 'start');
          expect(pipeline).toBe(i % 4 < 2 ? 'one' : 'two');
          // An end comes from the run that wrote the start before it.
          expect(run).toBe(lines[i - (i % 2)].split(' ')[2]);
          instances.add(engine);
        });
      }
      expect([...instances].sort()).toEqual(['a', 'b']);
    } finally {
      for (const engine of engines) await engine.stop();
      await pool.destroy();
    }
  });
});
