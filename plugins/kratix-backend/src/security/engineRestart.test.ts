// Issue 10: a SIGTERM waited for running containers up to their timeout
// (10 minutes), and a backend killed with SIGKILL left its pipelines'
// folders behind. Now a shutdown gives containers a short grace period and
// leaves their runs to resume; the next start removes a dead backend's
// folders.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lines } from '../__testUtils__/kratixApi';
import { eventually, sandboxWritableDir } from '../__testUtils__/startKratix';
import { EngineProcess, spawnEngine } from '../__testUtils__/spawnEngine';
import {
  configureCondition,
  scriptPromise,
} from '../__testUtils__/scriptPromise';

jest.setTimeout(240_000);

const url = '/promises/slow/resources/default/one';

/** A file-backed SQLite engine, its pipeline blocked until `release`. */
function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-restart-'));
  const markers = sandboxWritableDir(dir, 'markers');
  const workDir = path.join(dir, 'work');
  fs.mkdirSync(workDir);
  const options = {
    database: { client: 'better-sqlite3', connection: { directory: dir } },
    kratix: {
      engine: { pollInterval: '100ms', leaseDuration: '30s', workDir },
      runner: {
        shutdownGracePeriod: '1s',
        process: { sandbox: { writablePaths: [markers] } },
      },
      stateStore: { path: path.join(dir, 'state') },
    },
  };
  const promise = scriptPromise(
    'slow',
    [
      {
        name: 'slow',
        script: `echo start >> "$MARKERS/starts"
trap '' TERM
while [ ! -f "$MARKERS/release" ]; do sleep 0.05; done
echo 'message: done' > /kratix/metadata/status.yaml`,
      },
    ],
    { MARKERS: markers },
  );
  const engines: EngineProcess[] = [];
  const call = async (method: string, route: string, body?: object) => {
    const engine = engines[engines.length - 1];
    const res = await fetch(`${engine.api}${route}`, {
      method,
      headers: {
        authorization: engine.authorization,
        'content-type': 'application/json',
      },
      body: body && JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const start = async () => {
    engines.push(await spawnEngine(options));
  };
  const runFolders = () =>
    fs.existsSync(path.join(workDir, 'kratix-runs'))
      ? fs.readdirSync(path.join(workDir, 'kratix-runs'))
      : [];
  return { dir, markers, promise, engines, call, start, runFolders };
}

describe('engine restarts', () => {
  it('stops running containers after the grace period on SIGTERM; the run resumes on the next start', async () => {
    const t = setup();
    try {
      await t.start();
      expect((await t.call('PUT', '/promises/slow', t.promise)).status).toBe(
        201,
      );
      expect((await t.call('PUT', url, { spec: {} })).status).toBe(201);
      await eventually(async () =>
        lines(path.join(t.markers, 'starts')).length ? true : undefined,
      );

      const stopping = Date.now();
      await t.engines[0].stop();
      // The grace period (1 s), then the container is stopped: not 10 min.
      expect(Date.now() - stopping).toBeLessThan(15_000);

      fs.writeFileSync(path.join(t.markers, 'release'), '');
      await t.start();
      const done = await eventually(async () => {
        const res = await t.call('GET', url);
        return configureCondition(res.body)?.status === 'True'
          ? res.body
          : undefined;
      }, 30_000);
      expect(done.status.message).toBe('done');
      expect(lines(path.join(t.markers, 'starts'))).toHaveLength(2);
      // One run, resumed, never recorded as failed.
      const runs = await t.call('GET', `${url}/runs`);
      expect(runs.body.items).toHaveLength(1);
      expect(runs.body.items[0].phase).toBe('Succeeded');
    } catch (e) {
      for (const engine of t.engines) console.log(engine.output().slice(-3000));
      throw e;
    } finally {
      fs.writeFileSync(path.join(t.markers, 'release'), '');
      for (const engine of t.engines) await engine.stop();
    }
  });

  it("removes a killed backend's pipeline folders when the next one starts", async () => {
    const t = setup();
    try {
      await t.start();
      expect((await t.call('PUT', '/promises/slow', t.promise)).status).toBe(
        201,
      );
      expect((await t.call('PUT', url, { spec: {} })).status).toBe(201);
      await eventually(async () =>
        lines(path.join(t.markers, 'starts')).length ? true : undefined,
      );
      const [killed] = t.runFolders();
      expect(killed).toMatch(/^\d+\.\d+$/);
      await t.engines[0].crash();
      expect(t.runFolders()).toEqual([killed]);

      await t.start();
      const after = t.runFolders();
      expect(after).toHaveLength(1);
      expect(after).not.toContain(killed);
    } catch (e) {
      for (const engine of t.engines) console.log(engine.output().slice(-3000));
      throw e;
    } finally {
      fs.writeFileSync(path.join(t.markers, 'release'), '');
      for (const engine of t.engines) await engine.stop();
    }
  });
});
