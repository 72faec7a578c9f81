import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { WorkflowRun } from '@kratix-backstage/plugin-kratix-common';
import { eventually, startKratix } from './startKratix';

const BASE = '/api/kratix';

/** The lines of a file; none while it does not exist. */
export function lines(file: string): string[] {
  return fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean)
    : [];
}

/** Waits `ms`: the window in which something must NOT happen. */
export const settle = (ms: number) =>
  new Promise(resolve => setTimeout(resolve, ms));

/** Shell: the value of a top-level `spec` key in the pipeline's input. */
export const specField = (key: string) =>
  `$(sed -n 's/^  ${key}: //p' /kratix/input/object.yaml)`;

/**
 * The real plugin (see startKratix) and its REST API, with a marker
 * directory that pipelines get as `$MARKERS` and gates that hold them.
 */
async function startKratixApi(
  databases: TestDatabases,
  id: TestDatabaseId,
  engine: object = {},
) {
  const kratix = await startKratix(databases, id, { kratix: { engine } });
  const markers = kratix.markers;
  const gates = new Set<string>();
  const http = () => request(kratix.server);

  /** GETs `url` until it answers 200 with a body `predicate` accepts. */
  const waitFor = (url: string, predicate: (body: any) => boolean) =>
    eventually(async () => {
      const res = await http().get(url);
      return res.status === 200 && predicate(res.body) ? res.body : undefined;
    });
  const waitGone = (url: string) =>
    eventually(async () =>
      (await http().get(url)).status === 404 ? true : undefined,
    );
  const object = (url: string) => ({
    url,
    get: async () => (await http().get(url).expect(200)).body,
    delete: () => http().delete(url).expect(202),
    waitFor: (predicate: (body: any) => boolean) => waitFor(url, predicate),
    waitGone: () => waitGone(url),
  });

  return {
    http,
    /** The engine's database. */
    knex: kratix.knex,
    /** Pipelines see it as `$MARKERS`. */
    markers,
    promise: (name: string) => {
      const url = `${BASE}/promises/${name}`;
      return {
        ...object(url),
        put: (doc: object, status = 200) =>
          http().put(url).send(doc).expect(status),
      };
    },
    resource: (promise: string, name: string) => {
      const url = `${BASE}/promises/${promise}/resources/default/${name}`;
      return {
        ...object(url),
        put: (spec: object, status = 200) =>
          http().put(url).send({ spec }).expect(status),
        reconcile: () => http().post(`${url}/reconcile`).expect(202),
        /** Newest first. */
        runs: async (): Promise<WorkflowRun[]> =>
          (await http().get(`${url}/runs`).expect(200)).body.items,
      };
    },
    /** The lines pipelines wrote to `$MARKERS/<file>`. */
    lines: (file: string) => lines(path.join(markers, file)),
    /** Waits until `$MARKERS/<file>` has at least `count` lines. */
    waitLines: (file: string, count: number) =>
      eventually(async () => {
        const found = lines(path.join(markers, file));
        return found.length >= count ? found : undefined;
      }),
    /**
     * A gate, closed: in a pipeline, `script` waits until it is opened and
     * `isOpen` is a shell test.
     */
    gate: (name: string) => {
      const file = path.join(markers, name);
      const isOpen = `[ -f "$MARKERS/${name}" ]`;
      gates.add(file);
      return {
        isOpen,
        script: `until ${isOpen}; do sleep 0.05; done`,
        open: () => fs.writeFileSync(file, ''),
        close: () => fs.rmSync(file, { force: true }),
      };
    },
    /** Opens every gate, so no pipeline holds the engine's shutdown. */
    stop: async () => {
      gates.forEach(file => fs.writeFileSync(file, ''));
      await kratix.stop();
    },
  };
}

export type KratixApi = Awaited<ReturnType<typeof startKratixApi>>;

/** Runs `test` against a fresh engine, and stops the engine after it. */
export async function withKratix(
  databases: TestDatabases,
  id: TestDatabaseId,
  engine: object,
  test: (kratix: KratixApi) => Promise<void>,
): Promise<void> {
  const kratix = await startKratixApi(databases, id, engine);
  try {
    await test(kratix);
  } finally {
    await kratix.stop();
  }
}
