// Resource permissions with a policy's conditions: who requested a
// Resource may update, delete and reconcile it, others not; lists show what the
// caller may read; `kratix.io/requested-by` comes from the caller alone.
import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { startKratix } from '../__testUtils__/startKratix';
import { putIamPromise } from '../__testUtils__/iamPromise';
import {
  policyPermissionsFactory,
  requesterPolicy as policy,
} from '../__testUtils__/policyPermissions';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/kratix/promises/iam/resources';
const REQUESTED_BY = 'kratix.io/requested-by';

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

/** A body that claims bob requested the Resource. */
const claimsBob = (user: string) => ({
  metadata: { annotations: { [REQUESTED_BY]: 'user:default/bob' } },
  spec: { user },
});

/** `user` applies the iam Resource `namespace/name`. */
const apply = (
  server: Parameters<typeof request>[0],
  user: string,
  [namespace, name]: string[],
  body: object = { spec: { user: name } },
) =>
  request(server)
    .put(`${base}/${namespace}/${name}`)
    .set('Authorization', as(user))
    .send(body);

describe.each(databases.eachSupportedId())('Resource permissions on %p', id => {
  async function start() {
    const kratix = await startKratix(databases, id, {
      features: [policyPermissionsFactory(policy)],
    });
    await putIamPromise(kratix.server, kratix.markers);
    return kratix;
  }

  it('lets the requester delete and reconcile a Resource, and nobody else but the platform team', async () => {
    const { server, stop } = await start();
    const api = () => request(server);
    const alice = `${base}/default/alice`;
    try {
      // ada requests it, claiming bob requested it: the claim is dropped.
      const created = await apply(
        server,
        'ada',
        ['default', 'alice'],
        claimsBob('ada'),
      ).expect(201);
      expect(created.body.metadata.annotations[REQUESTED_BY]).toBe(
        'user:default/ada',
      );

      // The platform team may apply to it, but it stays ada's.
      const updated = await apply(
        server,
        'platform',
        ['default', 'alice'],
        claimsBob('ada2'),
      ).expect(200);
      expect(updated.body.metadata.annotations).toEqual({
        [REQUESTED_BY]: 'user:default/ada',
      });

      // bob may not delete or reconcile it: 403, and nothing changes.
      const refused = await api()
        .delete(alice)
        .set('Authorization', as('bob'))
        .expect(403);
      expect(refused.body.error.message).toBe(
        `Not allowed: the permission 'kratix.resource.delete' is required`,
      );
      await api()
        .post(`${alice}/reconcile`)
        .set('Authorization', as('bob'))
        .expect(403);
      const still = await api()
        .get(alice)
        .set('Authorization', as('bob'))
        .expect(200);
      expect(still.body.metadata.deletionTimestamp).toBeUndefined();
      expect(
        still.body.metadata.labels?.['kratix.io/manual-reconciliation'],
      ).toBeUndefined();

      // The platform team may reconcile it; ada may delete it.
      await api()
        .post(`${alice}/reconcile`)
        .set('Authorization', as('platform'))
        .expect(202);
      await api()
        .post(`${alice}/reconcile`)
        .set('Authorization', as('ada'))
        .expect(202);
      await api().delete(alice).set('Authorization', as('ada')).expect(202);
    } finally {
      await stop();
    }
  });

  it('lets the requester and the platform team change a Resource, nobody else', async () => {
    const { server, stop } = await start();
    const alice = `${base}/default/alice`;
    const spec = async () =>
      (await request(server).get(alice).set('Authorization', as('ada'))).body
        .spec;
    try {
      await apply(server, 'ada', ['default', 'alice']).expect(201);
      // bob may request Resources, but not change ada's: 403, even a dry run.
      for (const query of ['', '?dryRun=true']) {
        const refused = await request(server)
          .put(`${alice}${query}`)
          .set('Authorization', as('bob'))
          .send({ spec: { user: 'bob' } })
          .expect(403);
        expect(refused.body.error.message).toBe(
          `Not allowed: the permission 'kratix.resource.update' is required`,
        );
      }
      expect(await spec()).toEqual({ user: 'alice' });
      await apply(server, 'bob', ['default', 'bobs']).expect(201);

      await apply(server, 'ada', ['default', 'alice'], {
        spec: { user: 'ada2' },
      }).expect(200);
      expect(await spec()).toEqual({ user: 'ada2' });
      await apply(server, 'platform', ['default', 'alice'], {
        spec: { user: 'platform' },
      }).expect(200);
      expect(await spec()).toEqual({ user: 'platform' });
    } finally {
      await stop();
    }
  });

  it('checks a create that finds the Resource there as an update', async () => {
    const { server, stop } = await start();
    try {
      // ada and bob request the same names at once: whoever comes second
      // changes the first one's Resource, so is refused.
      const names = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
      for (const name of names) {
        const answers = await Promise.all(
          ['ada', 'bob'].map(async user => {
            const res = await apply(server, user, ['default', name], {
              spec: { user },
            });
            return { user, status: res.status };
          }),
        );
        const first = answers.find(a => a.status === 201);
        expect(answers.map(a => a.status).sort()).toEqual([201, 403]);
        const stored = await request(server)
          .get(`${base}/default/${name}`)
          .set('Authorization', as('platform'))
          .expect(200);
        expect(stored.body.spec).toEqual({ user: first!.user });
        expect(stored.body.metadata.annotations[REQUESTED_BY]).toBe(
          `user:default/${first!.user}`,
        );
      }
    } finally {
      await stop();
    }
  });

  it('tells whether a Resource exists only to those who may read it', async () => {
    const { server, stop } = await start();
    const api = () => request(server);
    try {
      await apply(server, 'ada', ['default', 'alice']).expect(201);
      for (const name of ['alice', 'nobody']) {
        const url = `${base}/default/${name}`;
        // carol may read team-a only: the same 404 for both.
        for (const call of [
          api().get(url),
          api().get(`${url}/runs`),
          api().delete(url),
          api().post(`${url}/reconcile`),
        ]) {
          const res = await call.set('Authorization', as('carol'));
          expect([name, res.status, res.body.error.message]).toEqual([
            name,
            404,
            `Resource 'default/${name}' of Promise 'iam' not found`,
          ]);
        }
        // mallory may read none: 403 for both.
        await api().get(url).set('Authorization', as('mallory')).expect(403);
        await api().delete(url).set('Authorization', as('mallory')).expect(403);
      }
      // Whoever may read it is told it is missing.
      await api()
        .delete(`${base}/default/nobody`)
        .set('Authorization', as('ada'))
        .expect(404);
    } finally {
      await stop();
    }
  });

  it('lists only what the caller may read, before cutting pages', async () => {
    const { server, stop } = await start();
    const api = () => request(server);
    try {
      for (const [namespace, name] of [
        ['default', 'alice'],
        ['team-a', 'bert'],
        ['team-a', 'cleo'],
        ['team-b', 'dora'],
      ]) {
        await apply(server, 'ada', [namespace, name]).expect(201);
      }
      const names = (res: request.Response) =>
        res.body.items.map((r: any) => r.metadata.name);
      const all = await api().get(base).set('Authorization', as('ada'));
      expect(names(all)).toEqual(['alice', 'bert', 'cleo', 'dora']);

      const first = await api()
        .get(`${base}?limit=1`)
        .set('Authorization', as('carol'))
        .expect(200);
      expect(names(first)).toEqual(['bert']);
      const next = await api()
        .get(`${base}?limit=1&continue=${first.body.metadata.continue}`)
        .set('Authorization', as('carol'))
        .expect(200);
      expect(names(next)).toEqual(['cleo']);
      expect(next.body.metadata).toBeUndefined();

      await api().get(base).set('Authorization', as('mallory')).expect(403);
    } finally {
      await stop();
    }
  });
});
