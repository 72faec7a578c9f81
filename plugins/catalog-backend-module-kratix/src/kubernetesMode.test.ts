// Kubernetes observe mode: a real kube-apiserver (the shared test tool, as
// the Kratix backend's own tests use it) holds the Promise and Resources;
// entity names and refs name the cluster.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
} from '@kubernetes/client-node';
// The provider reads the real engine, not a mock of it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import kratixPlugin from '@kratix-backstage/plugin-kratix-backend';
import { catalogModuleKratix } from './module';

jest.setTimeout(120_000);

const SHARED =
  process.env.KRATIX_SHARED_DIR ??
  path.resolve(__dirname, '../../../../shared');
const SCRIPT = path.join(SHARED, 'tools/kube-test-cluster.sh');
const CRDS = path.join(SHARED, 'kratix/crds');

const thingCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'things.test.kratix.io' },
  spec: {
    group: 'test.kratix.io',
    names: { kind: 'Thing', plural: 'things', singular: 'thing' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { size: { type: 'integer' } },
              },
              status: {
                type: 'object',
                'x-kubernetes-preserve-unknown-fields': true,
              },
            },
          },
        },
      },
    ],
  },
};

const thingPromise = {
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Promise',
  metadata: { name: 'thing' },
  spec: { api: thingCrd },
};

/** Polls until `read` gives a value, for at most `ms`. */
async function eventually<T>(
  what: string,
  read: () => Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await read();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`Not within ${ms} ms: ${what} (${last ?? 'no value'})`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('catalogModuleKratix in Kubernetes mode', () => {
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-test-run-'));
  const env = { ...process.env, KUBE_TEST_RUN_DIR: run };
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;

  /** The tool's free port may be taken before it binds it: try again. */
  const start = (attempt = 1): string => {
    try {
      return execFileSync('bash', [SCRIPT, 'start'], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      try {
        execFileSync('bash', [SCRIPT, 'stop'], { env, stdio: 'ignore' });
      } catch {
        // nothing was left running
      }
      if (attempt === 3) throw e;
      return start(attempt + 1);
    }
  };

  beforeAll(async () => {
    const out = start();
    const kubeconfig = /^export KUBECONFIG=(.*)$/m.exec(out)![1];
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfig);
    const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    for (const file of fs.readdirSync(CRDS)) {
      const yaml = fs.readFileSync(path.join(CRDS, file), 'utf8');
      for (const doc of loadAllYaml(yaml) as KubernetesObject[]) {
        if (doc) await objects.create(doc);
      }
    }
    await objects.create(thingCrd);
    // Until the API server has established the new CRDs.
    await eventually('the Promise', () => objects.create(thingPromise), 20_000);
    await eventually(
      'the Resource one',
      () =>
        objects.create({
          apiVersion: 'test.kratix.io/v1',
          kind: 'Thing',
          metadata: { name: 'one', namespace: 'default' },
          spec: { size: 1 },
        } as KubernetesObject),
      20_000,
    );

    backend = await startTestBackend({
      features: [
        catalogPlugin,
        kratixPlugin,
        catalogModuleKratix,
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            catalog: {
              processingInterval: { seconds: 1 },
              providers: {
                kratix: {
                  clusters: ['prod'],
                  schedule: {
                    frequency: { days: 1 },
                    timeout: { minutes: 1 },
                    initialDelay: { days: 1 },
                  },
                },
              },
            },
            kratix: {
              kubernetes: { clusters: [{ name: 'prod', kubeconfig }] },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    execFileSync('bash', [SCRIPT, 'stop'], { env, stdio: 'ignore' });
    fs.rmSync(run, { recursive: true, force: true });
  });

  const call = (pluginPath: string, init: RequestInit = {}) =>
    fetch(`http://localhost:${backend!.server.port()}/api${pluginPath}`, {
      ...init,
      headers: {
        'Content-Type': 'application/json',
        Authorization: mockCredentials.user.header(),
      },
    });

  const entity = async (kind: string, name: string) => {
    const response = await call(
      `/catalog/entities/by-name/${kind}/default/${name}`,
    );
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(await response.text());
    return (await response.json()) as Entity;
  };

  it('reads the cluster at start, then follows its Resources', async () => {
    const api = await eventually('the API entity', () =>
      entity('api', 'prod-thing'),
    );
    expect(JSON.parse(api.spec!.definition as string).servers[0].url).toMatch(
      /\/api\/kratix\/clusters\/prod$/,
    );
    const one = await eventually('the Resource entity one', () =>
      entity('resource', 'prod-thing-default-one'),
    );
    expect(one.metadata.annotations).toMatchObject({
      'kratix.io/resource-ref': 'prod/thing/default/one',
    });
    expect(one.spec!.dependsOn).toEqual(['api:default/prod-thing']);

    const resource =
      '/kratix/clusters/prod/promises/thing/resources/default/two';
    const requested = await call(resource, {
      method: 'PUT',
      body: JSON.stringify({ spec: { size: 2 } }),
    });
    expect(requested.status).toBe(201);
    await eventually('the Resource entity two', () =>
      entity('resource', 'prod-thing-default-two'),
    );

    const deleted = await call(resource, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    await eventually('the removal of the Resource entity two', async () =>
      (await entity('resource', 'prod-thing-default-two')) ? undefined : true,
    );
  });
});
