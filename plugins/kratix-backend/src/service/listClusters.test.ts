// GET /clusters: the configured clusters' names, to a signed-in caller.
// Embedded mode has none; Kubernetes mode is tested in
// ../kubernetes/clusters.test.ts.
import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { startKratix } from '../__testUtils__/startKratix';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('GET /clusters on %p', id => {
  it('lists no cluster in embedded mode, and only to a signed-in caller', async () => {
    const { server, stop } = await startKratix(databases, id);
    try {
      const res = await request(server)
        .get('/api/kratix/clusters')
        .set('Authorization', mockCredentials.user.header('user:default/ada'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [] });

      const anonymous = await request(server)
        .get('/api/kratix/clusters')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    } finally {
      await stop();
    }
  });
});
