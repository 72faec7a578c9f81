import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTestDatabases } from './database/__testUtils__/databases';
import { eventually, startKratix } from './__testUtils__/startKratix';
import { iamPromiseYaml } from './__testUtils__/iamPromise';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/kratix';
const resourceUrl = `${base}/promises/iam/resources/default/alice`;

describe.each(databases.eachSupportedId())('kratix plugin on %p', id => {
  it('answers /health without authentication', async () => {
    const { server, stop } = await startKratix(databases, id);
    try {
      const res = await request(server).get(`${base}/health`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    } finally {
      await stop();
    }
  });

  it('runs the iam Promise end to end', async () => {
    const { server, stop, markers } = await startKratix(databases, id);
    const marker = path.join(markers, 'deleted');
    const api = () => request(server);
    const waitForStatus = (predicate: (body: any) => boolean) =>
      eventually(async () => {
        const res = await api().get(resourceUrl);
        return res.status === 200 && predicate(res.body) ? res.body : undefined;
      });
    try {
      const promise = await api()
        .put(`${base}/promises/iam`)
        .set('Content-Type', 'application/yaml')
        .send(iamPromiseYaml({ deleteMarker: marker }));
      expect(promise.status).toBe(201);

      const created = await api()
        .put(resourceUrl)
        .send({ spec: { user: 'admin' }, metadata: { labels: { team: 'a' } } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        apiVersion: 'example.promise.syntasso.io/v1',
        kind: 'IAM',
        metadata: { name: 'alice', namespace: 'default', generation: 1 },
        status: { message: 'Pending' },
      });

      const done = await waitForStatus(b => b.status?.observedGeneration === 1);
      expect(done.status).toMatchObject({
        message: 'User created and vault secret created',
        iam: { user: 'admin', password: '<vault-ref>' },
        observedGeneration: 1,
        workflows: 2,
        workflowsSucceeded: 2,
        workflowsFailed: 0,
      });
      const conditions = Object.fromEntries(
        done.status.conditions.map((c: any) => [c.type, c]),
      );
      expect(conditions.ConfigureWorkflowCompleted).toMatchObject({
        status: 'True',
        reason: 'PipelinesExecutedSuccessfully',
        message: 'Pipelines completed',
      });
      expect(conditions.ConfigureWorkflowCompleted.lastTransitionTime).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      expect(conditions.Reconciled).toMatchObject({
        status: 'True',
        reason: 'Reconciled',
      });

      const runs = await api().get(`${resourceUrl}/runs`);
      expect(runs.body.items).toHaveLength(1);
      expect(runs.body.items[0]).toMatchObject({
        phase: 'Succeeded',
        generation: 1,
        pipelines: [
          { name: 'create-user', phase: 'Succeeded', exitCode: 0 },
          { name: 'populate-vault', phase: 'Succeeded', exitCode: 0 },
        ],
      });
      const logs = await api().get(
        `${resourceUrl}/runs/${runs.body.items[0].id}/logs`,
      );
      expect(logs.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            pipeline: 'create-user',
            container: 'create-db',
            log: expect.stringContaining('creating user admin'),
          }),
        ]),
      );

      // A spec change re-runs the workflow with the new spec.
      const updated = await api()
        .put(resourceUrl)
        .send({ spec: { user: 'root' } });
      expect(updated.status).toBe(200);
      expect(updated.body.metadata.generation).toBe(2);
      const rerun = await waitForStatus(
        b => b.status?.observedGeneration === 2,
      );
      expect(rerun.status.iam).toEqual({
        user: 'root',
        password: '<vault-ref>',
      });

      // A HealthRecord shows at once.
      const health = await api()
        .put(`${base}/healthrecords/default/alice-health`)
        .send({
          apiVersion: 'platform.kratix.io/v1alpha1',
          kind: 'HealthRecord',
          metadata: { name: 'alice-health', namespace: 'default' },
          data: {
            promiseRef: { name: 'iam' },
            resourceRef: { name: 'alice', namespace: 'default' },
            state: 'degraded',
            lastRun: 1531958400,
            details: { acceptingConnections: false },
          },
        });
      expect(health.status).toBe(201);
      const withHealth = await api().get(resourceUrl);
      expect(withHealth.body.status.healthRecord).toEqual({
        state: 'degraded',
        lastRun: 1531958400,
        details: { acceptingConnections: false },
      });
      expect(withHealth.body.status.healthStatus.state).toBe('degraded');
      expect(withHealth.body.status.iam.user).toBe('root');

      const listed = await api().get(
        `${base}/promises/iam/resources?labelSelector=team%3Da`,
      );
      expect(listed.body.items.map((r: any) => r.metadata.name)).toEqual([
        'alice',
      ]);

      // Delete runs the delete pipeline, then removes the Resource.
      expect((await api().delete(resourceUrl)).status).toBe(202);
      await eventually(async () =>
        (await api().get(resourceUrl)).status === 404 ? true : undefined,
      );
      expect(fs.readFileSync(marker, 'utf8')).toBe('deleted\n');
    } finally {
      await stop();
    }
  });

  it('refuses every mutation without permission', async () => {
    const { server, stop } = await startKratix(databases, id, {
      features: [
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    try {
      const calls = [
        request(server).put(`${base}/promises/iam`).send({ a: 1 }),
        request(server).delete(`${base}/promises/iam`),
        request(server).put(resourceUrl).send({ spec: {} }),
        request(server).delete(resourceUrl),
        request(server).post(`${resourceUrl}/reconcile`),
        request(server)
          .put(`${base}/healthrecords/default/h`)
          .send({ data: {} }),
        request(server).delete(`${base}/healthrecords/default/h`),
        request(server).get(`${base}/promises`),
        request(server).get(resourceUrl),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(403);
        expect(res.body.error.message).toMatch(/permission 'kratix\./);
      }
    } finally {
      await stop();
    }
  });
});
