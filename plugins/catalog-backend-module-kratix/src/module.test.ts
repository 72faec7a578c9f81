import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  BackendFeature,
  SchedulerService,
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
// The provider reads the real engine, not a mock of it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import kratixPlugin from '@kratix-backstage/plugin-kratix-backend';
import { catalogModuleKratix } from './module';

jest.setTimeout(60_000);

/** The longest an object's entity may take to reach the catalog. */
const QUICKLY_MS = 10_000;

const shopPromise = {
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Promise',
  metadata: { name: 'shop', annotations: { 'kratix.io/owner': 'shop-team' } },
  spec: {
    api: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'shops.example.test' },
      spec: {
        group: 'example.test',
        names: { kind: 'Shop', plural: 'shops', singular: 'shop' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: { size: { type: 'string' } },
                  },
                },
              },
            },
          },
        ],
      },
    },
  },
};

/** An events service that loses every event. */
const lostEvents = createServiceFactory({
  service: eventsServiceRef,
  deps: {},
  factory: () => ({ publish: async () => {}, subscribe: async () => {} }),
});

/** The catalog's scheduler, to run the provider's task when a test says. */
let catalogScheduler: SchedulerService | undefined;
const captureScheduler = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-scheduler',
  register(reg) {
    reg.registerInit({
      deps: { scheduler: coreServices.scheduler },
      async init({ scheduler }) {
        catalogScheduler = scheduler;
      },
    });
  },
});

describe('catalogModuleKratix', () => {
  let dir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  /** Calls a plugin's REST API as the default mock user. */
  const call = (pluginPath: string, init: RequestInit = {}) =>
    fetch(`http://localhost:${backend.server.port()}/api${pluginPath}`, {
      ...init,
      headers: {
        'Content-Type': 'application/json',
        Authorization: mockCredentials.user.header(),
      },
    });

  /** The catalog entity, or undefined while it is not there. */
  const entity = async (
    kind: string,
    name: string,
  ): Promise<Entity | undefined> => {
    const response = await call(
      `/catalog/entities/by-name/${kind}/default/${name}`,
    );
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(await response.text());
    return response.json();
  };

  /** Polls until `check` holds, for at most QUICKLY_MS. */
  const quickly = async <T>(
    what: string,
    read: () => Promise<T>,
    check: (value: T) => boolean,
  ): Promise<T> => {
    const deadline = Date.now() + QUICKLY_MS;
    for (;;) {
      const value = await read();
      if (check(value)) return value;
      if (Date.now() > deadline) {
        throw new Error(`Not within ${QUICKLY_MS} ms: ${what}`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-catalog-'));
  });

  const start = async (features: BackendFeature[]) => {
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        kratixPlugin,
        catalogModuleKratix,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            catalog: {
              processingInterval: { seconds: 1 },
              providers: {
                kratix: {
                  owner: 'group:default/platform',
                  // The test scheduler runs it only when triggered.
                  schedule: {
                    frequency: { days: 1 },
                    timeout: { minutes: 1 },
                    initialDelay: { days: 1 },
                  },
                },
              },
            },
            kratix: {
              engine: { pollInterval: '50ms', leaseDuration: '2s' },
              stateStore: { path: path.join(dir, 'state') },
            },
          },
        }),
        ...features,
      ],
    });
  };

  afterEach(async () => {
    await backend?.stop();
  });

  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('emits Promises and Resources as they change, and removes the deleted', async () => {
    // The real events service: the test backend's mock gives each plugin
    // its own, which would not carry Kratix's events to the catalog.
    await start([eventsServiceFactory]);
    const installed = await call('/kratix/promises/shop', {
      method: 'PUT',
      body: JSON.stringify(shopPromise),
    });
    expect(installed.status).toBe(201);
    const api = await quickly(
      'the API entity of the Promise',
      () => entity('api', 'shop'),
      Boolean,
    );
    expect(api!.spec).toMatchObject({
      type: 'openapi',
      owner: 'shop-team',
      lifecycle: 'production',
    });
    expect(
      JSON.parse(api!.spec!.definition as string).components.schemas.Shop,
    ).toEqual(shopPromise.spec.api.spec.versions[0].schema.openAPIV3Schema);

    const requested = await call(
      '/kratix/promises/shop/resources/team-a/cart',
      {
        method: 'PUT',
        body: JSON.stringify({ spec: { size: 'small' } }),
      },
    );
    expect(requested.status).toBe(201);
    const resource = await quickly(
      'the Resource entity',
      () => entity('resource', 'shop-team-a-cart'),
      Boolean,
    );
    expect(resource!.metadata.annotations).toMatchObject({
      'kratix.io/resource-ref': 'shop/team-a/cart',
    });
    expect(resource!.spec).toMatchObject({
      type: 'kratix-resource',
      owner: 'group:default/platform',
      dependsOn: ['api:default/shop'],
    });

    // A change of the Resource's annotations shows too.
    const owned = await call('/kratix/promises/shop/resources/team-a/cart', {
      method: 'PUT',
      body: JSON.stringify({
        metadata: { annotations: { 'kratix.io/owner': 'group:default/a' } },
        spec: { size: 'small' },
      }),
    });
    expect(owned.status).toBe(200);
    await quickly(
      'the new owner of the Resource entity',
      () => entity('resource', 'shop-team-a-cart'),
      e => e?.spec?.owner === 'group:default/a',
    );

    const deleted = await call('/kratix/promises/shop/resources/team-a/cart', {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(202);
    await quickly(
      'the removal of the Resource entity',
      () => entity('resource', 'shop-team-a-cart'),
      e => e === undefined,
    );

    const uninstalled = await call('/kratix/promises/shop', {
      method: 'DELETE',
    });
    expect(uninstalled.status).toBe(202);
    await quickly(
      'the removal of the API entity',
      () => entity('api', 'shop'),
      e => e === undefined,
    );
  });

  it('catches up on its schedule when change events are lost', async () => {
    await start([captureScheduler, lostEvents]);
    const refresh = () =>
      catalogScheduler!.triggerTask('kratix-entity-provider:refresh');

    await call('/kratix/promises/shop', {
      method: 'PUT',
      body: JSON.stringify(shopPromise),
    });
    await call('/kratix/promises/shop/resources/team-a/cart', {
      method: 'PUT',
      body: JSON.stringify({ spec: { size: 'small' } }),
    });
    await new Promise(r => setTimeout(r, 1000));
    expect(await entity('resource', 'shop-team-a-cart')).toBeUndefined();

    await refresh();
    await quickly('the API entity', () => entity('api', 'shop'), Boolean);
    await quickly(
      'the Resource entity',
      () => entity('resource', 'shop-team-a-cart'),
      Boolean,
    );

    await call('/kratix/promises/shop/resources/team-a/cart', {
      method: 'DELETE',
    });
    await quickly(
      'the deletion of the Resource in Kratix',
      () => call('/kratix/promises/shop/resources/team-a/cart'),
      response => response.status === 404,
    );
    await refresh();
    await quickly(
      'the removal of the Resource entity',
      () => entity('resource', 'shop-team-a-cart'),
      e => e === undefined,
    );
    expect(await entity('api', 'shop')).toBeDefined();
  });
});
