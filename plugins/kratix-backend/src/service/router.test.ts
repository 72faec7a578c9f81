// Issue 4: permissions checked as the caller on every route, an auditor
// event for every mutation, and every status change published.
import request from 'supertest';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import { iamPromiseYaml, putIamPromise } from '../__testUtils__/iamPromise';
import { configureCondition } from '../__testUtils__/scriptPromise';
import { KRATIX_STATUS_TOPIC } from '../reconciler/StatusPublisher';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/kratix';
const alice = `${base}/promises/iam/resources/default/alice`;
const healthUrl = `${base}/healthrecords/default/alice-health`;
const healthRecord = {
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'HealthRecord',
  metadata: { name: 'alice-health', namespace: 'default' },
  data: {
    promiseRef: { name: 'iam' },
    resourceRef: { name: 'alice' },
    state: 'healthy',
    lastRun: 1700000000,
  },
};

type Api = ReturnType<typeof request>;
/** Every route but /health, the permission it needs and, if a mutation, its audit event. */
const routes: Array<{
  call(api: Api): request.Test;
  permission: string;
  eventId?: string;
}> = [
  { call: a => a.get(`${base}/promises`), permission: 'kratix.promise.read' },
  {
    call: a => a.get(`${base}/promises/iam`),
    permission: 'kratix.promise.read',
  },
  {
    call: a =>
      a
        .put(`${base}/promises/iam`)
        .set('Content-Type', 'application/yaml')
        .send(iamPromiseYaml({ deleteMarker: '/dev/null' })),
    permission: 'kratix.promise.manage',
    eventId: 'promise-apply',
  },
  {
    call: a => a.get(`${base}/promises/iam/resources`),
    permission: 'kratix.resource.read',
  },
  { call: a => a.get(alice), permission: 'kratix.resource.read' },
  {
    call: a => a.put(alice).send({ spec: { user: 'ada' } }),
    permission: 'kratix.resource.request',
    eventId: 'resource-request',
  },
  {
    call: a => a.post(`${alice}/reconcile`),
    permission: 'kratix.resource.reconcile',
    eventId: 'resource-reconcile',
  },
  { call: a => a.get(`${alice}/runs`), permission: 'kratix.resource.read' },
  {
    call: a => a.get(`${alice}/runs/none/logs`),
    permission: 'kratix.resource.read',
  },
  {
    call: a => a.put(healthUrl).send(healthRecord),
    permission: 'kratix.healthrecord.write',
    eventId: 'healthrecord-write',
  },
  { call: a => a.get(healthUrl), permission: 'kratix.resource.read' },
  {
    call: a => a.delete(healthUrl),
    permission: 'kratix.healthrecord.write',
    eventId: 'healthrecord-delete',
  },
  {
    call: a => a.delete(alice),
    permission: 'kratix.resource.delete',
    eventId: 'resource-delete',
  },
  {
    call: a => a.delete(`${base}/promises/iam`),
    permission: 'kratix.promise.manage',
    eventId: 'promise-delete',
  },
];

/**
 * A permissions mock that records what it was asked (`authorize`, or
 * `authorizeConditional` for Resource permissions), and answers `allow`.
 */
function recordingPermissions() {
  const state = { allow: true };
  const calls: Array<{ permissions: string[]; principal: unknown }> = [];
  const answer = async (requests: any[], options: any) => {
    calls.push({
      permissions: requests.map((r: any) => r.permission.name),
      principal: options.credentials.principal,
    });
    return requests.map(() => ({
      result: state.allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
    })) as any;
  };
  const mock = mockServices.permissions.mock({
    authorize: answer,
    authorizeConditional: answer,
  });
  const asked = () => calls;
  const clear = () => calls.splice(0);
  return { state, mock, asked, clear };
}

describe.each(databases.eachSupportedId())('kratix router on %p', id => {
  it('checks each route permission with the caller credentials', async () => {
    const permissions = recordingPermissions();
    const { server, stop } = await startKratix(databases, id, {
      features: [permissions.mock.factory],
    });
    const user = mockCredentials.user.header('user:default/ada');
    const service = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('plugin:scaffolder'),
      targetPluginId: 'kratix',
    });
    try {
      // Denied: 403 on every route, each asking for its own permission.
      permissions.state.allow = false;
      for (const route of routes) {
        const res = await route
          .call(request(server))
          .set('Authorization', user);
        expect([route.permission, res.status]).toEqual([route.permission, 403]);
        expect(res.body.error.message).toBe(
          `Not allowed: the permission '${route.permission}' is required`,
        );
      }
      expect(permissions.asked()).toEqual(
        routes.map(r => ({
          permissions: [r.permission],
          principal: { type: 'user', userEntityRef: 'user:default/ada' },
        })),
      );

      // Allowed: a service caller is checked as itself, not as the plugin.
      permissions.clear();
      permissions.state.allow = true;
      const res = await request(server)
        .get(`${base}/promises`)
        .set('Authorization', service);
      expect(res.status).toBe(200);
      expect(permissions.asked()).toEqual([
        {
          permissions: ['kratix.promise.read'],
          principal: expect.objectContaining({
            type: 'service',
            subject: 'plugin:scaffolder',
          }),
        },
      ]);
    } finally {
      await stop();
    }
  });

  it('records an auditor event for every mutation, failed or not', async () => {
    const auditor = mockServices.auditor.mock();
    const outcomes: string[] = [];
    auditor.createEvent.mockImplementation(async options => ({
      success: async () => {
        outcomes.push(`${options.eventId} success`);
      },
      fail: async () => {
        outcomes.push(`${options.eventId} fail`);
      },
    }));
    const permissions = recordingPermissions();
    const { server, stop } = await startKratix(databases, id, {
      features: [auditor.factory, permissions.mock.factory],
    });
    const mutations = routes.filter(r => r.eventId);
    try {
      for (const route of mutations) {
        await route.call(request(server));
      }
      permissions.state.allow = false;
      for (const route of mutations) {
        await route.call(request(server)).expect(403);
      }
      const eventIds = mutations.map(r => r.eventId);
      expect(auditor.createEvent.mock.calls.map(([o]) => o.eventId)).toEqual([
        ...eventIds,
        ...eventIds,
      ]);
      expect(outcomes).toEqual([
        ...eventIds.map(e => `${e} success`),
        ...eventIds.map(e => `${e} fail`),
      ]);
      expect(auditor.createEvent.mock.calls[5][0]).toMatchObject({
        eventId: 'resource-delete',
        severityLevel: 'medium',
        meta: { promise: 'iam', namespace: 'default', name: 'alice' },
      });
    } finally {
      await stop();
    }
  });

  it('publishes every status change as a signal (with the status, when asked) and a kratix.status event', async () => {
    const signals: any[] = [];
    const signalsFactory = createServiceFactory({
      service: signalsServiceRef,
      deps: {},
      factory: () => ({
        publish: async (signal: any) => {
          signals.push(signal);
        },
      }),
    });
    const events = mockServices.events.mock();
    const { server, stop, markers } = await startKratix(databases, id, {
      features: [signalsFactory, events.factory],
      // Off by default: src/security/signals.test.ts.
      kratix: { signals: { includeStatus: true } },
    });
    const api = () => request(server);
    const channel = 'kratix:iam:default:alice';
    try {
      await putIamPromise(server, markers);
      await api()
        .put(alice)
        .send({ spec: { user: 'ada' } })
        .expect(201);
      const done = await eventually(async () => {
        const res = await api().get(alice);
        const c = configureCondition(res.body);
        return c?.status === 'True' ? res.body : undefined;
      });
      await api().put(healthUrl).send(healthRecord).expect(201);
      const healthy = (await api().get(alice).expect(200)).body;

      const mine = signals.filter(s => s.channel === channel);
      expect(signals.every(s => s.recipients.type === 'broadcast')).toBe(true);
      // Every write of the Resource so far changed its status: each
      // resourceVersion, from creation on, was published.
      const versions = mine.map(s => Number(s.message.resourceVersion));
      const last = Number(healthy.metadata.resourceVersion);
      expect([...new Set(versions)]).toEqual(
        Array.from({ length: last }, (_, i) => i + 1),
      );
      const at = (version: string) =>
        mine.find(s => s.message.resourceVersion === version)?.message;
      expect(at('1')).toEqual({
        resourceVersion: '1',
        generation: 1,
        status: { message: 'Pending' },
        deleted: false,
      });
      expect(mine.map(s => s.message.status.message)).toContain(
        'User created, next step is to create vault secret for user',
      );
      expect(at(done.metadata.resourceVersion)).toMatchObject({
        generation: 1,
        status: done.status,
      });
      expect(at(healthy.metadata.resourceVersion).status).toEqual(
        healthy.status,
      );

      // The same changes on the events service, with the whole object.
      const published = events.publish.mock.calls
        .map(([e]) => e)
        .filter(e => e.topic === KRATIX_STATUS_TOPIC)
        .map(e => e.eventPayload as any)
        .filter(p => p.key.kind === 'Resource' && p.key.name === 'alice');
      expect([
        ...new Set(published.map(p => p.object.metadata.resourceVersion)),
      ]).toEqual(
        versions.filter((v, i) => versions.indexOf(v) === i).map(String),
      );
      expect(published[published.length - 1].object).toEqual(healthy);

      // Deletion ends with a `deleted` signal and an event without object.
      await api().delete(alice).expect(202);
      await eventually(async () =>
        signals.some(s => s.channel === channel && s.message.deleted)
          ? true
          : undefined,
      );
      const lastEvent = events.publish.mock.calls.at(-1)![0];
      expect(lastEvent.eventPayload).toEqual({
        key: {
          kind: 'Resource',
          promise: 'iam',
          namespace: 'default',
          name: 'alice',
        },
        object: undefined,
      });
    } finally {
      await stop();
    }
  });

  it('answers a GET with If-None-Match by 304 while the object is unchanged', async () => {
    const { server, stop, markers } = await startKratix(databases, id);
    const api = () => request(server);
    const get = (url: string, etag?: string) =>
      etag ? api().get(url).set('If-None-Match', etag) : api().get(url);
    try {
      await putIamPromise(server, markers);
      // The ETag once the engine is done writing the object: a changed
      // object answers 200 with a new ETag, an unchanged one 304.
      const settledEtag = (url: string) =>
        eventually(async () => {
          const res = await get(url).expect(200);
          const { uid, resourceVersion } = res.body.metadata;
          expect(res.headers.etag).toBe(`W/"${uid}.${resourceVersion}"`);
          expect(res.headers['cache-control']).toBe('private, no-cache');
          const again = await get(url, res.headers.etag);
          if (again.status === 304) return res.headers.etag as string;
          expect(again.status).toBe(200);
          expect(again.headers.etag).not.toBe(res.headers.etag);
          return undefined;
        });
      await settledEtag(`${base}/promises/iam`);

      await api()
        .put(alice)
        .send({ spec: { user: 'ada' } })
        .expect(201);
      await eventually(async () => {
        const res = await get(alice);
        return configureCondition(res.body)?.status === 'True'
          ? res
          : undefined;
      });
      const first = await settledEtag(alice);
      const unchanged = await get(alice, first).expect(304);
      expect(unchanged.text).toBe('');

      // Any change to the object (here its health) gives a new ETag.
      await api().put(healthUrl).send(healthRecord).expect(201);
      const changed = await get(alice, first).expect(200);
      expect(changed.body.status.healthRecord.state).toBe('healthy');
      expect(changed.headers.etag).not.toBe(first);
      await get(alice, changed.headers.etag).expect(304);

      // A Resource deleted and requested again is another object.
      await api()
        .delete(`${base}/healthrecords/default/alice-health`)
        .expect(204);
      await api().delete(alice).expect(202);
      await eventually(async () =>
        (await get(alice)).status === 404 ? true : undefined,
      );
      await api()
        .put(alice)
        .send({ spec: { user: 'ada' } })
        .expect(201);
      const again = await get(alice, first).expect(200);
      expect(again.headers.etag).not.toBe(first);
    } finally {
      await stop();
    }
  });
});
