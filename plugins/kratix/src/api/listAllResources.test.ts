import { mockApis } from '@backstage/frontend-test-utils';
import { registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KratixClient } from './KratixClient';
import { listAllResources } from './listAllResources';

const BASE = 'http://localhost:7007/api/kratix';

const named = (name: string) => ({
  apiVersion: 'marketplace.kratix.io/v1alpha1',
  kind: 'Postgres',
  metadata: { name, namespace: 'default' },
});

describe('listAllResources', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const client = new KratixClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: mockApis.fetch(),
  });

  it('follows continue until the last page, with the same limit', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const queries: string[] = [];
    server.use(
      http.get(
        `${BASE}/clusters/prod/promises/postgres/resources`,
        ({ request }) => {
          const url = new URL(request.url);
          queries.push(url.search);
          const limit = Number(url.searchParams.get('limit'));
          const start = Number(url.searchParams.get('continue') ?? 0);
          const next = start + limit;
          return HttpResponse.json({
            items: names.slice(start, next).map(named),
            ...(next < names.length && {
              metadata: { continue: String(next) },
            }),
          });
        },
      ),
    );

    const items = await listAllResources(client, 'postgres', {
      cluster: 'prod',
      pageSize: 2,
    });

    expect(items.map(r => r.metadata.name)).toEqual(names);
    expect(queries).toEqual([
      '?limit=2',
      '?limit=2&continue=2',
      '?limit=2&continue=4',
    ]);
  });

  it('stops with an error naming the Promise when a token repeats', async () => {
    server.use(
      http.get(`${BASE}/promises/postgres/resources`, () =>
        HttpResponse.json({
          items: [named('a')],
          metadata: { continue: 'same' },
        }),
      ),
    );
    await expect(listAllResources(client, 'postgres')).rejects.toThrow(
      "The Resources of Promise 'postgres' did not page on: continue token 'same' came twice",
    );
  });
});
