// `If-None-Match: *` on a Resource PUT: create it, never overwrite one that
// exists (the template's request refuses to change another team's Resource).
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { startKratix } from '../__testUtils__/startKratix';
import { putIamPromise } from '../__testUtils__/iamPromise';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const url = '/api/kratix/promises/iam/resources/default/taken';

describe.each(databases.eachSupportedId())('create-only requests on %p', id => {
  it('create a Resource once; a second answers 409 and changes nothing', async () => {
    const { server, stop, markers } = await startKratix(databases, id);
    const api = () => request(server);
    try {
      await putIamPromise(server, markers);
      const created = await api()
        .put(url)
        .set('If-None-Match', '*')
        .send({ spec: { user: 'first' } })
        .expect(201);
      expect(created.body.spec).toEqual({ user: 'first' });

      for (const dryRun of ['', '?dryRun=true']) {
        const refused = await api()
          .put(`${url}${dryRun}`)
          .set('If-None-Match', '*')
          .send({ spec: { user: 'second' } })
          .expect(409);
        expect(refused.body.error.message).toBe(
          "Resource 'default/taken' of Promise 'iam' already exists",
        );
      }
      const kept = await api().get(url).expect(200);
      expect(kept.body.spec).toEqual({ user: 'first' });
      expect(kept.body.metadata.generation).toBe(1);

      // Without the header, a request updates it as before.
      await api()
        .put(url)
        .send({ spec: { user: 'second' } })
        .expect(200);
    } finally {
      await stop();
    }
  });
});
