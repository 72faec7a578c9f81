// Listing Resources page by page (`limit` + `continue`), as Kubernetes does.
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { startKratix } from '../__testUtils__/startKratix';
import { scriptPromise } from '../__testUtils__/scriptPromise';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const base = '/api/kratix/promises/things/resources';

describe.each(databases.eachSupportedId())('listing Resources on %p', id => {
  it('pages through them with limit and continue, filters applied', async () => {
    const { server, stop } = await startKratix(databases, id);
    const api = () => request(server);
    try {
      await api()
        .put('/api/kratix/promises/things')
        .send(scriptPromise('things', [{ name: 'noop', script: 'true' }]))
        .expect(201);
      const all: string[] = [];
      for (const namespace of ['b-team', 'a-team']) {
        for (const n of [5, 1, 4, 2, 3]) {
          const name = `r${n}`;
          const team = n % 2 ? 'odd' : 'even';
          await api()
            .put(`${base}/${namespace}/${name}`)
            .send({ metadata: { labels: { team } }, spec: {} })
            .expect(201);
          if (team === 'odd') all.push(`${namespace}/${name}`);
        }
      }
      all.sort();

      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const res = await api()
          .get(base)
          .query({
            labelSelector: 'team=odd',
            limit: 2,
            ...(token && { continue: token }),
          })
          .expect(200);
        pages.push(
          res.body.items.map(
            (r: any) => `${r.metadata.namespace}/${r.metadata.name}`,
          ),
        );
        token = res.body.metadata?.continue;
      } while (token && pages.length < 10);
      // 6 odd Resources, 2 a page: the last page says nothing more.
      expect(pages).toEqual([all.slice(0, 2), all.slice(2, 4), all.slice(4)]);

      const whole = await api().get(base).query({ limit: 10 }).expect(200);
      expect(whole.body.items).toHaveLength(10);
      expect(whole.body.metadata).toBeUndefined();

      const one = await api()
        .get(base)
        .query({ namespace: 'b-team', limit: 1 })
        .expect(200);
      expect(one.body.items.map((r: any) => r.metadata.name)).toEqual(['r1']);
      const next = await api()
        .get(base)
        .query({
          namespace: 'b-team',
          limit: 4,
          continue: one.body.metadata.continue,
        })
        .expect(200);
      expect(next.body.items.map((r: any) => r.metadata.name)).toEqual([
        'r2',
        'r3',
        'r4',
        'r5',
      ]);
      expect(next.body.metadata).toBeUndefined();
    } finally {
      await stop();
    }
  });
});
