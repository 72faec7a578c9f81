// Issue 4: kill the engine (SIGKILL) mid-workflow, start a new one on the
// same database, and see the workflow finish with nothing lost.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import {
  POSTGRES_ENV,
  createTestDatabases,
} from '../database/__testUtils__/databases';
import { eventually, sandboxWritableDir } from '../__testUtils__/startKratix';
import { lines } from '../__testUtils__/kratixApi';
import { EngineProcess, spawnEngine } from '../__testUtils__/spawnEngine';
import {
  configureCondition,
  scriptPromise,
} from '../__testUtils__/scriptPromise';

jest.setTimeout(240_000);

const databases = createTestDatabases();

const pipelines = [
  {
    name: 'first',
    script: `echo run >> "$MARKERS/first.log"
printf 'first:\\n  user: ada\\nmessage: first done\\n' > /kratix/metadata/status.yaml`,
  },
  {
    name: 'second',
    script: `echo "start $$" >> "$MARKERS/second.log"
while [ ! -f "$MARKERS/release" ]; do sleep 0.05; done
printf 'first:\\n  password: secret\\nsecond: done\\n' > /kratix/metadata/status.yaml`,
  },
];

/** Pids of the live processes with MARKERS=`dir` in their environment. */
function pipelineProcesses(dir: string): string[] {
  const environ = (pid: string) => {
    try {
      return `\0${fs.readFileSync(`/proc/${pid}/environ`, 'utf8')}`;
    } catch {
      return ''; // gone
    }
  };
  return fs
    .readdirSync('/proc')
    .filter(
      pid => /^\d+$/.test(pid) && environ(pid).includes(`\0MARKERS=${dir}\0`),
    );
}

/** `backend.database` for a child process, on a fresh test database. */
async function databaseConfig(id: TestDatabaseId, dir: string) {
  if (id === 'SQLITE_3') {
    return { client: 'better-sqlite3', connection: { directory: dir } };
  }
  const knex = await databases.init(id);
  const url = new URL(process.env[POSTGRES_ENV]!);
  url.pathname = `/${knex.client.config.connection.database}`;
  // A fresh database for this test, the plugin in its own schema of it.
  return { client: 'pg', connection: `${url}`, pluginDivisionMode: 'schema' };
}

describe.each(databases.eachSupportedId())('engine crash on %p', id => {
  it('resumes the interrupted workflow at the pipeline that was running', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-crash-'));
    const markers = sandboxWritableDir(dir, 'markers');
    const options = {
      database: await databaseConfig(id, dir),
      kratix: {
        engine: { pollInterval: '100ms', leaseDuration: '2s' },
        stateStore: { path: path.join(dir, 'state') },
        runner: { process: { sandbox: { writablePaths: [markers] } } },
      },
    };
    const engines: EngineProcess[] = [];
    const call = async (method: string, url: string, body?: object) => {
      const res = await fetch(`${engines[engines.length - 1].api}${url}`, {
        method,
        headers: {
          authorization: engines[engines.length - 1].authorization,
          'content-type': 'application/json',
        },
        body: body && JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const resourceUrl = '/promises/crash/resources/default/one';
    try {
      engines.push(await spawnEngine(options));
      const promise = scriptPromise('crash', pipelines, { MARKERS: markers });
      expect((await call('PUT', '/promises/crash', promise)).status).toBe(201);
      expect(
        (await call('PUT', resourceUrl, { spec: { size: 1 } })).status,
      ).toBe(201);

      // Pipeline 2 runs (and blocks): crash the engine. The pipeline's
      // processes must die with it, or they would run alongside the re-run.
      await eventually(async () =>
        lines(path.join(markers, 'second.log')).length ? true : undefined,
      );
      expect(pipelineProcesses(markers).length).toBeGreaterThan(0);
      await engines[0].crash();
      await eventually(
        async () => (pipelineProcesses(markers).length ? undefined : true),
        2000,
      ).catch(() => {});
      expect(pipelineProcesses(markers)).toEqual([]);

      engines.push(await spawnEngine(options));
      // The new engine takes the work once the lease runs out and re-runs
      // pipeline 2 from its start, with pipeline 1's status already there.
      await eventually(async () =>
        lines(path.join(markers, 'second.log')).length === 2 ? true : undefined,
      );
      const midway = await call('GET', resourceUrl);
      expect(midway.body.status.first).toEqual({ user: 'ada' });
      expect(midway.body.status.message).toBe('first done');
      expect(configureCondition(midway.body).status).toBe('False');

      fs.writeFileSync(path.join(markers, 'release'), '');
      const done = await eventually(async () => {
        const res = await call('GET', resourceUrl);
        return configureCondition(res.body)?.status === 'True'
          ? res.body
          : undefined;
      });
      expect(lines(path.join(markers, 'first.log'))).toEqual(['run']);
      expect(lines(path.join(markers, 'second.log'))).toHaveLength(2);
      expect(done.status).toMatchObject({
        message: 'first done',
        first: { user: 'ada', password: 'secret' },
        second: 'done',
        observedGeneration: 1,
      });
      expect(configureCondition(done)).toMatchObject({
        reason: 'PipelinesExecutedSuccessfully',
      });
      // One run, resumed: both pipelines Succeeded in it.
      const runs = await call('GET', `${resourceUrl}/runs`);
      expect(runs.body.items).toHaveLength(1);
      expect(runs.body.items[0]).toMatchObject({
        phase: 'Succeeded',
        pipelines: [
          { name: 'first', phase: 'Succeeded' },
          { name: 'second', phase: 'Succeeded' },
        ],
      });
    } catch (e) {
      for (const engine of engines) console.log(engine.output().slice(-3000));
      throw e;
    } finally {
      fs.writeFileSync(path.join(markers, 'release'), '');
      for (const engine of engines) await engine.stop();
    }
  });
});
