// The Git state store through the real engine (kratix.stateStore.type:
// git): a Resource's outputs are a commit, its deletion a later one; a
// repository it cannot reach is a reconcile error, retried.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import { condition, scriptPromise } from '../__testUtils__/scriptPromise';
import { createBareRepo } from '../stateStore/__testUtils__/bareRepo';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const PROMISES = '/api/kratix/promises';
const OUTPUT = 'local/resources/default/db/a/provision/5058f/thing.yaml';
const provision = {
  name: 'provision',
  script: 'echo "kind: ConfigMap" > "$KRATIX_OUTPUT_DIR/thing.yaml"',
};
const reconciled = (body: any) => condition(body, 'Reconciled');

describe('the Git state store in the engine', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-git-engine-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function engine(url: string) {
    const kratix = await startKratix(databases, 'SQLITE_3', {
      kratix: {
        stateStore: {
          type: 'git',
          path: path.join(dir, 'clone'),
          git: { url, path: 'platform' },
        },
        engine: { errorRetryInterval: '200ms', errorRetryMaxInterval: '1s' },
      },
    });
    const http = () => request(kratix.server);
    const resource = `${PROMISES}/db/resources/default/a`;
    await http()
      .put(`${PROMISES}/db`)
      .send(scriptPromise('db', [provision]))
      .expect(201);
    return {
      ...kratix,
      http,
      resource,
      waitFor: (predicate: (body: any) => boolean) =>
        eventually(async () => {
          const res = await http().get(resource);
          return res.status === 200 && predicate(res.body)
            ? res.body
            : undefined;
        }),
    };
  }

  it("commits a Resource's outputs, and removes them in a later commit", async () => {
    const repo = createBareRepo(dir);
    const kratix = await engine(repo.url);
    try {
      await kratix.http().put(kratix.resource).send({ spec: {} }).expect(201);
      await kratix.waitFor(b => reconciled(b)?.status === 'True');
      expect(repo.files()).toEqual([`platform/${OUTPUT}`]);
      expect(repo.show(`platform/${OUTPUT}`)).toBe('kind: ConfigMap\n');
      expect(repo.subjects()).toEqual([
        'Kratix: update local/resources/default/db/a/provision/5058f',
      ]);

      await kratix.http().delete(kratix.resource).expect(202);
      await eventually(async () =>
        (await kratix.http().get(kratix.resource)).status === 404
          ? true
          : undefined,
      );
      expect(repo.files()).toEqual([]);
      expect(repo.subjects()[0]).toBe(
        'Kratix: delete resources/default/db/a (every Destination)',
      );
    } finally {
      await kratix.stop();
    }
  });

  it('says the repository cannot be reached, keeps serving, and recovers', async () => {
    const url = `file://${path.join(dir, 'later.git')}`;
    const kratix = await engine(url);
    try {
      await kratix.http().put(kratix.resource).send({ spec: {} }).expect(201);
      const failing = await kratix.waitFor(
        b => reconciled(b)?.reason === 'ReconcileError',
      );
      expect(reconciled(failing)).toMatchObject({ status: 'False' });
      expect(reconciled(failing).message).toMatch(
        `Git state store ${url} (branch main): could not write local/resources/default/db/a/provision/5058f: git fetch failed`,
      );
      expect(condition(failing, 'WorksSucceeded')).toMatchObject({
        status: 'False',
        reason: 'WorksFailed',
      });
      // The API serves on; the retries reach the repository once it exists.
      await kratix.http().get(`${PROMISES}/db`).expect(200);
      const repo = createBareRepo(dir, 'later.git');
      await kratix.waitFor(b => reconciled(b)?.status === 'True');
      expect(repo.files()).toEqual([`platform/${OUTPUT}`]);
    } finally {
      await kratix.stop();
    }
  });
});
