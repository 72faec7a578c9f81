// Scheduling and outputs, through the real engine (spec section 7): one
// Destination per Resource, kept; a Promise's Works and its dependencies
// to every matching one; selector precedence; strictMatchLabels; the
// state store's layout and filepath modes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { Knex } from 'knex';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import {
  ScriptPipeline,
  isConfigured,
  scriptPromise,
} from '../__testUtils__/scriptPromise';
import { SHARED_DIR } from '../engine/__testUtils__/fakes';
import { chooseDestination, parseDestinations } from '../engine';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const API = '/api/kratix/promises';
const ROOT_ID = '5058f'; // md5('.'), as upstream

/** The files under `dir`, relative, sorted; none when it is missing. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The engine with these Destinations, on its state store folder `state`. */
async function engine(
  id: TestDatabaseId,
  destinations: object[],
  state: string,
  knex?: Knex,
) {
  const kratix = await startKratix(databases, id, {
    knex,
    kratix: { destinations, stateStore: { path: state } },
  });
  const http = () => request(kratix.server);
  const waitFor = (url: string, predicate: (body: any) => boolean) =>
    eventually(async () => {
      const res = await http().get(url);
      return res.status === 200 && predicate(res.body) ? res.body : undefined;
    });
  return {
    ...kratix,
    http,
    waitFor,
    putPromise: async (doc: object) => {
      const name = (doc as any).metadata.name;
      await http().put(`${API}/${name}`).send(doc).expect(201);
      return waitFor(`${API}/${name}`, isConfigured);
    },
    /** Creates the Resource and waits until `runs` configure runs ended. */
    putResource: async (promise: string, name: string, runs = 1) => {
      const url = `${API}/${promise}/resources/default/${name}`;
      await http()
        .put(url)
        .send({ spec: { n: 1 } })
        .expect(201);
      return waitFor(url, isConfigured).then(() => waitRuns(url, runs));
    },
    reconcile: async (promise: string, name: string, runs: number) => {
      const url = `${API}/${promise}/resources/default/${name}`;
      await http().post(`${url}/reconcile`).expect(202);
      await waitRuns(url, runs);
    },
  };
  async function waitRuns(url: string, runs: number) {
    return eventually(async () => {
      const res = await request(kratix.server).get(`${url}/runs`);
      const done = (res.body.items ?? []).filter(
        (r: any) => r.phase === 'Succeeded',
      );
      return done.length >= runs ? done : undefined;
    });
  }
}

const writes = (file: string, text: string): ScriptPipeline => ({
  name: 'make',
  script: `mkdir -p "$(dirname /kratix/output/${file})"; printf '${text}\\n' > /kratix/output/${file}`,
});

describe.each(databases.eachSupportedId())('Destinations on %p', id => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-destinations-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("sends a Resource's Work to one Destination, and keeps it there when more appear", async () => {
    const state = path.join(dir, 'state');
    const two = [
      { name: 'dev-a', labels: { env: 'dev' } },
      { name: 'dev-b', labels: { env: 'dev' } },
      { name: 'prod', labels: { env: 'prod' } },
    ];
    const three = [{ name: 'dev-c', labels: { env: 'dev' } }, ...two];
    const names = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
    const key = (n: string) => `default/pg/${n}`;
    const choice = (list: object[], n: string) =>
      chooseDestination(
        parseDestinations(list).filter(d => d.labels.env === 'dev'),
        key(n),
      )!.name;
    // Some Resource would move if the choice were made again.
    expect(names.some(n => choice(two, n) !== choice(three, n))).toBe(true);
    const promise = {
      ...scriptPromise(
        'pg',
        [writes('app.yaml', 'app: 1')],
        {},
        {
          promiseConfigure: [
            {
              name: 'setup',
              script: "printf 'crd: 1\\n' > /kratix/output/crd.yaml",
            },
          ],
        },
      ),
    };
    (promise.spec as any).destinationSelectors = [
      { matchLabels: { env: 'dev' } },
    ];
    const placedAt = (n: string) =>
      ['dev-a', 'dev-b', 'dev-c', 'prod'].filter(d =>
        fs.existsSync(
          path.join(
            state,
            d,
            `resources/default/pg/${n}/make/${ROOT_ID}/app.yaml`,
          ),
        ),
      );

    const first = await engine(id, two, state);
    try {
      await first.putPromise(promise);
      // The Promise's Work: every matching Destination.
      for (const d of ['dev-a', 'dev-b']) {
        expect(filesUnder(path.join(state, d))).toEqual([
          `dependencies/pg/setup/${ROOT_ID}/crd.yaml`,
        ]);
      }
      expect(filesUnder(path.join(state, 'prod'))).toEqual([]);
      for (const n of names) await first.putResource('pg', n);
      for (const n of names) expect(placedAt(n)).toEqual([choice(two, n)]);
    } finally {
      await first.stop();
    }

    // Restarted with one more matching Destination: every Resource stays.
    const second = await engine(id, three, state, first.knex);
    try {
      for (const n of names) await second.reconcile('pg', n, 2);
      for (const n of names) expect(placedAt(n)).toEqual([choice(two, n)]);
      // A new Resource may go to the new one: it is chosen among three.
      await second.putResource('pg', 'fresh');
      expect(placedAt('fresh')).toEqual([choice(three, 'fresh')]);

      // Deleted, its Works and its placements go.
      const url = `${API}/pg/resources/default/fresh`;
      await second.http().delete(url).expect(202);
      await eventually(async () =>
        (await second.http().get(url)).status === 404 ? true : undefined,
      );
      expect(placedAt('fresh')).toEqual([]);
      expect(
        await second.knex('work_placements').where({ name: 'fresh' }),
      ).toEqual([]);
      expect(
        await second.knex('work_placements').where({ name: 'r0' }),
      ).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it("lets the Promise's destinationSelectors take precedence, and honours strictMatchLabels", async () => {
    const state = path.join(dir, 'state');
    const kratix = await engine(
      id,
      [
        { name: 'eu-dev', labels: { env: 'dev', zone: 'eu' } },
        { name: 'eu-prod', labels: { env: 'prod', zone: 'eu' } },
        { name: 'strict', labels: { zone: 'eu' }, strictMatchLabels: true },
        { name: 'strict-bare', strictMatchLabels: true },
      ],
      state,
    );
    try {
      // The workflow asks for prod in eu; the Promise says dev: dev wins.
      const selected = scriptPromise('sel', [
        {
          name: 'make',
          script: `printf 'a: 1\\n' > /kratix/output/app.yaml
printf -- '- matchLabels: {env: prod, zone: eu}\\n' > /kratix/metadata/destination-selectors.yaml`,
        },
      ]);
      (selected.spec as any).destinationSelectors = [
        { matchLabels: { env: 'dev' } },
      ];
      await kratix.putPromise(selected);
      await kratix.putResource('sel', 'one');
      expect(filesUnder(state)).toEqual([
        `eu-dev/resources/default/sel/one/make/${ROOT_ID}/app.yaml`,
      ]);

      // No selectors at all: a strict Destination with labels is skipped.
      const open = scriptPromise(
        'open',
        [],
        {},
        {
          promiseConfigure: [
            {
              name: 'setup',
              script: "printf 'b: 1\\n' > /kratix/output/b.yaml",
            },
          ],
        },
      );
      await kratix.putPromise(open);
      const wrote = (d: string) =>
        fs.existsSync(
          path.join(state, d, `dependencies/open/setup/${ROOT_ID}/b.yaml`),
        );
      expect(
        ['eu-dev', 'eu-prod', 'strict', 'strict-bare'].filter(wrote),
      ).toEqual(['eu-dev', 'eu-prod', 'strict-bare']);
    } finally {
      await kratix.stop();
    }
  });

  it('lays out nestedByMetadata, none and aggregatedYAML Destinations, and writes spec.dependencies to each', async () => {
    const state = path.join(dir, 'state');
    const kratix = await engine(
      id,
      [
        { name: 'nested' },
        { name: 'flat', filepath: { mode: 'none' } },
        {
          name: 'one',
          filepath: { mode: 'aggregatedYAML', filename: 'platform.yaml' },
        },
      ],
      state,
    );
    try {
      const promise = scriptPromise(
        'pg',
        [],
        {},
        {
          promiseConfigure: [
            {
              name: 'setup',
              script: "printf 'crd: 1\\n' > /kratix/output/crd.yaml",
            },
          ],
        },
      );
      (promise.spec as any).dependencies = [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pg' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pg' } },
      ];
      await kratix.putPromise(promise);
      expect(filesUnder(path.join(state, 'nested'))).toEqual([
        `dependencies/pg/${ROOT_ID}/static/pg-dependencies.yaml`,
        `dependencies/pg/setup/${ROOT_ID}/crd.yaml`,
      ]);
      expect(filesUnder(path.join(state, 'flat'))).toEqual([
        `.kratix/dependencies/pg/${ROOT_ID}.yaml`,
        `.kratix/dependencies/pg/setup/${ROOT_ID}.yaml`,
        'crd.yaml',
        'static/pg-dependencies.yaml',
      ]);
      expect(filesUnder(path.join(state, 'one'))).toEqual(['platform.yaml']);
      const aggregated = fs.readFileSync(
        path.join(state, 'one/platform.yaml'),
        'utf8',
      );
      expect(parseAllDocuments(aggregated).map(d => d.toJS())).toEqual([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pg' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pg' } },
        { crd: 1 },
      ]);

      // Without dependencies, their Work goes.
      await kratix
        .http()
        .put(`${API}/pg`)
        .send({ ...promise, spec: { ...promise.spec, dependencies: [] } })
        .expect(200);
      // Each Destination is written in turn: wait for the last one.
      await eventually(async () =>
        filesUnder(path.join(state, 'nested')).length === 1 &&
        fs.readFileSync(path.join(state, 'one/platform.yaml'), 'utf8') ===
          'crd: 1\n'
          ? true
          : undefined,
      );
      expect(filesUnder(path.join(state, 'flat'))).toEqual([
        `.kratix/dependencies/pg/setup/${ROOT_ID}.yaml`,
        'crd.yaml',
      ]);
      expect(
        fs.readFileSync(path.join(state, 'one/platform.yaml'), 'utf8'),
      ).toBe('crd: 1\n');
    } finally {
      await kratix.stop();
    }
  });

  it.each(['easy-app', 'paved-path-demo'])(
    "writes the %s sample's dependencies to the platform Destinations",
    async sample => {
      const state = path.join(dir, 'state');
      const kratix = await engine(
        id,
        [
          { name: 'platform', labels: { environment: 'platform' } },
          { name: 'dev', labels: { environment: 'dev' } },
        ],
        state,
      );
      try {
        const file = path.join(
          SHARED_DIR,
          `conformance/promises/${sample}-promise.yaml`,
        );
        const text = fs.readFileSync(file, 'utf8');
        const doc = parseAllDocuments(text)[0].toJS();
        const name = doc.metadata.name;
        await kratix
          .http()
          .put(`${API}/${name}`)
          .set('Content-Type', 'application/yaml')
          .send(text)
          .expect(201);
        const written = path.join(
          state,
          `platform/dependencies/${name}/${ROOT_ID}/static/${name}-dependencies.yaml`,
        );
        await eventually(async () => fs.existsSync(written) || undefined);
        const docs = parseAllDocuments(fs.readFileSync(written, 'utf8'));
        expect(docs.map(d => d.toJS())).toEqual(doc.spec.dependencies);
        expect(filesUnder(path.join(state, 'dev'))).toEqual([]);
      } finally {
        await kratix.stop();
      }
    },
  );
});
