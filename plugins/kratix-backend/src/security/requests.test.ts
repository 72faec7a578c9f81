// Issue 10, request side: bodies and seed documents are bounded in depth,
// YAML bodies never block the event loop, and Promise, Pipeline and
// namespace names follow the Kubernetes (DNS-1123) rules, so none of them
// can become a path outside the engine's work directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse as parseYaml, stringify } from 'yaml';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import { iamPromiseYaml, putIamPromise } from '../__testUtils__/iamPromise';
import { isConfigured, scriptPromise } from '../__testUtils__/scriptPromise';
import { MAX_BODY_BYTES } from '../service/body';

jest.setTimeout(180_000);

const databases = createTestDatabases();
const base = '/api/kratix';
const iam = `${base}/promises/iam/resources/default`;
const things = `${base}/promises/things/resources/default`;

/** An object `levels` deep: 1 is `{}`, 2 is `{a: {}}`. */
function nest(levels: number): object {
  let value = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** A Resource body as JSON text, its spec `levels` deep (any depth). */
function deepSpecJson(levels: number): string {
  const spec = `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
  return `{"spec":${spec}}`;
}

/** A YAML block mapping `levels` deep under `key`. */
function yamlNest(key: string, levels: number): string {
  const lines = [`${key}:`];
  for (let i = 1; i < levels; i++) lines.push(`${'  '.repeat(i)}a:`);
  return `${lines.join('\n')} {}\n`;
}

const thingsPromise = () =>
  scriptPromise('things', [{ name: 'ok', script: 'true' }]);
const iamDoc = parseYaml(iamPromiseYaml({ deleteMarker: '/dev/null' }));
const pipelines = (p: any) => p.spec.workflows.resource;
const health = (namespace: string, resourceNamespace = 'default') => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'HealthRecord',
  metadata: { name: 'h1', namespace },
  data: {
    promiseRef: { name: 'things' },
    resourceRef: { name: 'one', namespace: resourceNamespace },
    state: 'healthy',
  },
});

describe.each(databases.eachSupportedId())('requests on %p', id => {
  let kratix: Awaited<ReturnType<typeof startKratix>>;
  const api = () => request(kratix.server);

  beforeAll(async () => {
    kratix = await startKratix(databases, id);
    await putIamPromise(kratix.server, kratix.dir);
    await api()
      .put(`${base}/promises/things`)
      .send(thingsPromise())
      .expect(201);
    await api().put(`${things}/one`).send({ spec: {} }).expect(201);
  });
  afterAll(() => kratix?.stop());

  it('refuses bodies nested deeper than 100 levels, saying where', async () => {
    const tooDeep =
      /^Invalid Resource: spec: is nested deeper than 100 levels at spec\.a\.a\.a/;
    for (const levels of [100, 2000, 3000, 100_000]) {
      const res = await api()
        .put(`${things}/deep`)
        .set('Content-Type', 'application/json')
        .send(deepSpecJson(levels));
      expect([levels, res.status, res.body.error?.message]).toEqual([
        levels,
        400,
        expect.stringMatching(tooDeep),
      ]);
    }
    const yamlCases = [
      [yamlNest('spec', 150), / at line 101, column 201$/],
      [`spec: ${'['.repeat(3000)}`, / at line 1, column 106$/],
      [`spec: ${'{a: ['.repeat(3000)}`, / at line 1, column 256$/],
      ['- '.repeat(3000), / at line 1, column 201$/],
    ] as const;
    // Twice each: deep YAML once made V8 abort the process on a repeat.
    for (const [yaml, where] of [...yamlCases, ...yamlCases]) {
      const res = await api()
        .put(`${things}/deep`)
        .set('Content-Type', 'application/yaml')
        .send(yaml);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /^Invalid Resource: \(root\): is nested deeper than 100 levels/,
      );
      expect(res.body.error.message).toMatch(where);
    }
    const promise: any = thingsPromise();
    promise.spec.extra = nest(200);
    const refusedPromise = await api()
      .put(`${base}/promises/things`)
      .send(promise)
      .expect(400);
    expect(refusedPromise.body.error.message).toMatch(
      /^Invalid Promise: spec: is nested deeper than 100 levels at spec\.extra\.a/,
    );
    const record: any = health('default');
    record.data.details = nest(150);
    const refusedRecord = await api()
      .put(`${base}/healthrecords/default/h1`)
      .send(record)
      .expect(400);
    expect(refusedRecord.body.error.message).toMatch(
      /^Invalid HealthRecord: data: is nested deeper than 100 levels at data\.details\.a/,
    );
    await api().get(`${things}/deep`).expect(404);
    await api().get(`${base}/health`).expect(200);
  });

  it('accepts a spec just within the limit and reconciles it', async () => {
    // The body is 100 levels: itself, then `spec` and 98 below it.
    const spec = nest(99);
    await api().put(`${things}/deepest`).send({ spec }).expect(201);
    const configured = await eventually(async () => {
      const res = await api().get(`${things}/deepest`);
      return isConfigured(res.body) ? res.body : undefined;
    });
    expect(configured.spec).toEqual(spec);
    const yaml = await api()
      .put(`${things}/deepest`)
      .set('Content-Type', 'application/yaml')
      .send(yamlNest('spec', 99))
      .expect(200);
    expect(yaml.body.spec).toEqual(spec);
  });

  it('refuses Pipeline names that are not DNS-1123 labels', async () => {
    const bad = ['../../x', 'a/b', '.', '..', 'x'.repeat(64), 'A', 'a.b', '-a'];
    for (const name of bad) {
      for (const action of ['configure', 'delete'] as const) {
        const promise = structuredClone(iamDoc);
        promise.metadata.name = 'pipes';
        pipelines(promise)[action][0].metadata.name = name;
        const res = await api().put(`${base}/promises/pipes`).send(promise);
        expect([name, res.status, res.body.error?.message]).toEqual([
          name,
          400,
          expect.stringMatching(
            `^Invalid Promise: spec\\.workflows\\.resource\\.${action}\\[0\\]\\.metadata\\.name: must be `,
          ),
        ]);
      }
    }
    await api().get(`${base}/promises/pipes`).expect(404);
    const longest = structuredClone(iamDoc);
    longest.metadata.name = 'pipes';
    pipelines(longest).configure[0].metadata.name = 'p'.repeat(63);
    await api().put(`${base}/promises/pipes`).send(longest).expect(201);
  });

  it('refuses Promise names that are not DNS-1123 labels', async () => {
    for (const [name, message] of [
      ['a.b', /must be lowercase letters, digits or "-"/],
      ['p'.repeat(64), /must be at most 63 characters, got 64/],
    ]) {
      const promise = { ...thingsPromise(), metadata: { name } };
      const res = await api()
        .put(`${base}/promises/${name}`)
        .send(promise)
        .expect(400);
      expect(res.body.error.message).toMatch(
        /^Invalid Promise: metadata\.name: /,
      );
      expect(res.body.error.message).toMatch(message);
    }
    const longest = 'p'.repeat(63);
    await api()
      .put(`${base}/promises/${longest}`)
      .send({ ...thingsPromise(), metadata: { name: longest } })
      .expect(201);
  });

  it('refuses namespaces that are not DNS-1123 labels', async () => {
    const dotted = Array(64).fill('abc').join('.').slice(0, 253);
    for (const namespace of [dotted, 'n'.repeat(64), 'a.b']) {
      const resource = await api()
        .put(`${base}/promises/things/resources/${namespace}/one`)
        .send({ spec: {} })
        .expect(400);
      expect(resource.body.error.message).toMatch(/^Invalid path\.namespace: /);
      const record = await api()
        .put(`${base}/healthrecords/${namespace}/h1`)
        .send(health(namespace))
        .expect(400);
      expect(record.body.error.message).toMatch(/^Invalid path\.namespace: /);
    }
    const ref = await api()
      .put(`${base}/healthrecords/default/h1`)
      .send(health('default', 'a.b'))
      .expect(400);
    expect(ref.body.error.message).toMatch(
      /^Invalid HealthRecord: data\.resourceRef\.namespace: must be lowercase letters, digits or "-"/,
    );
    // The longest namespace, and a name of Kubernetes' 253 with dots.
    await api()
      .put(`${base}/promises/things/resources/${'n'.repeat(63)}/${dotted}`)
      .send({ spec: {} })
      .expect(201);
  });
});

describe('seed files', () => {
  const id = databases.eachSupportedId()[0][0];

  it('skip documents with bad names or nested too deep, and apply the rest', async () => {
    const badPipeline: any = scriptPromise('seeded-bad', [
      { name: '../../x', script: 'true' },
    ]);
    delete badPipeline.spec.api;
    const thing = (namespace: string, name: string, spec: object = {}) => ({
      apiVersion: 'test.kratix.io/v1',
      kind: 'Thing',
      metadata: { namespace, name },
      spec,
    });
    const docs = [
      thingsPromise(),
      badPipeline,
      thing('default', 'good'),
      thing('a.b', 'dotted'),
      thing('default', 'deep', nest(150)),
    ];
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-seed-')),
      'seed.yaml',
    );
    fs.writeFileSync(file, docs.map(d => stringify(d)).join('---\n'));
    const kratix = await startKratix(databases, id, {
      kratix: { seedFiles: [file] },
    });
    try {
      const status = async (url: string) =>
        (await request(kratix.server).get(url)).status;
      expect({
        things: await status(`${base}/promises/things`),
        good: await status(`${things}/good`),
        badPipeline: await status(`${base}/promises/seeded-bad`),
        dotted: await status(`${base}/promises/things/resources/a.b/dotted`),
        deep: await status(`${things}/deep`),
      }).toEqual({
        things: 200,
        good: 200,
        badPipeline: 404,
        dotted: 404,
        deep: 404,
      });
    } finally {
      await kratix.stop();
    }
  });
});

/** YAML bodies that are slow to parse, as large as a body may be. */
function worstYaml(): Array<[string, string]> {
  const size = MAX_BODY_BYTES - 16;
  const fill = (unit: string, head = '') =>
    head + unit.repeat(Math.floor((size - head.length) / unit.length));
  const lines = (line: (i: number) => string) => {
    const out: string[] = [];
    let length = 0;
    for (let i = 0; length < size - 64; i++) {
      out.push(line(i));
      length += out[i].length + 1;
    }
    return out.join('\n');
  };
  return [
    ['unclosed brackets', fill('[')],
    ['unclosed mixed flow', fill('{a: [')],
    ['compact nested lists', fill('- ')],
    ['nested explicit keys', fill('? ')],
    ['nested anchors', fill('&a [')],
    ['many aliases', fill('*a, ', 'a: &a [x]\nb: [')],
    ['one long plain scalar', fill('x ', 'spec:\n  user: 1\n  note: ')],
    ['many keys', lines(i => `k${i}: 1`)],
    ['many flow keys', fill('a: 1, ', '{')],
    ['many tags', fill('!t ')],
    ['a long flow list', fill('1,', 'spec: [')],
  ];
}

/** An ordinary IAM Resource in YAML, as large as a body may be. */
function bigYamlResource(): string {
  let yaml = 'spec:\n  user: carol\n  groups:\n';
  for (let i = 0; yaml.length < MAX_BODY_BYTES - 200; i++) {
    yaml += `    - name: group-${i}\n      description: "Group ${i} of carol's teams"\n      members: [alice, bob, carol]\n`;
  }
  return yaml;
}

describe('YAML bodies', () => {
  const id = databases.eachSupportedId()[0][0];
  // The rule: nothing holds the event loop for 100 ms. A 10 ms timer
  // probes it; between two of its turns the main thread's CPU time is how
  // long the loop was held, which a busy machine does not stretch as it
  // stretches wall time. Parsed on the event loop, as before, these held
  // it for 1 to 10 s each.
  const maxHeldMs = 100;
  // A /health round trip, client included, on a busy machine.
  const maxHealthMs = 1000;

  /** Runs `work`; `heldMs` is the longest the event loop was held meanwhile. */
  async function measure<T>(work: () => Promise<T>) {
    let last = process.threadCpuUsage();
    let heldMs = 0;
    const turn = () => {
      const now = process.threadCpuUsage();
      const ms = (now.user - last.user + now.system - last.system) / 1000;
      heldMs = Math.max(heldMs, ms);
      last = now;
    };
    const probe = setInterval(turn, 10);
    try {
      const result = await work();
      turn();
      return { result, heldMs: Math.round(heldMs) };
    } finally {
      clearInterval(probe);
    }
  }

  // Each slow text takes 2 s of a core: minutes on a busy machine.
  it('never block the event loop, one at a time or several at once', async () => {
    const kratix = await startKratix(databases, id);
    const api = () => request(kratix.server);
    const put = (yaml: string) =>
      api()
        .put(`${iam}/bob`)
        .set('Content-Type', 'application/yaml')
        .send(yaml);
    try {
      await putIamPromise(kratix.server, kratix.dir);
      // Starts the parser's thread and loads what the first request needs.
      await put('spec: {user: 1}').expect(400);
      const bodies = worstYaml();
      for (const [name, yaml] of bodies) {
        expect(Buffer.byteLength(yaml)).toBeLessThanOrEqual(MAX_BODY_BYTES);
        const { result, heldMs } = await measure(() => put(yaml));
        const held = heldMs < maxHeldMs ? 'ok' : `held it ${heldMs} ms`;
        expect([name, result.status, held]).toEqual([name, 400, 'ok']);
      }

      // An ordinary one as large is read well within the time limit.
      const big = await measure(() =>
        api()
          .put(`${iam}/carol?dryRun=true`)
          .set('Content-Type', 'application/yaml')
          .send(bigYamlResource()),
      );
      expect(big.result.status).toBe(201);
      expect(big.heldMs).toBeLessThan(maxHeldMs);

      // Four of the slowest in flight: /health still answers at once.
      const { heldMs } = await measure(async () => {
        const slow = bodies.slice(0, 4).map(([, yaml]) => put(yaml).then());
        for (let i = 0; i < 5; i++) {
          const started = Date.now();
          await api().get(`${base}/health`).expect(200);
          expect(Date.now() - started).toBeLessThan(maxHealthMs);
          await new Promise(r => setTimeout(r, 100));
        }
        for (const res of await Promise.all(slow)) expect(res.status).toBe(400);
      });
      expect(heldMs).toBeLessThan(maxHeldMs);
    } finally {
      await kratix.stop();
    }
  }, 300_000);
});
