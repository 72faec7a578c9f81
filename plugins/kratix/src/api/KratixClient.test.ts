import { ResponseError } from '@backstage/errors';
import { mockApis } from '@backstage/frontend-test-utils';
import { registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KratixClient } from './KratixClient';

const BASE = 'http://localhost:7007/api/kratix';

describe('KratixClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new KratixClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: mockApis.fetch(),
  });
  const ref = { promise: 'postgres', namespace: 'team-a', name: 'db 1/x' };

  it('reads a Resource, encoding every path segment', async () => {
    let seenUrl = '';
    server.use(
      http.get(
        `${BASE}/promises/:promise/resources/:ns/:name`,
        ({ request }) => {
          seenUrl = request.url;
          return HttpResponse.json({
            apiVersion: 'x/v1',
            kind: 'Postgres',
            metadata: { name: 'db 1/x', namespace: 'team-a' },
            status: { message: 'Resource requested' },
          });
        },
      ),
    );

    const resource = await client.getResource(ref);

    expect(seenUrl).toBe(
      `${BASE}/promises/postgres/resources/team-a/db%201%2Fx`,
    );
    expect(resource.status?.message).toBe('Resource requested');
  });

  it("reads a Resource of a named cluster under that cluster's path", async () => {
    let seenUrl = '';
    server.use(
      http.get(
        `${BASE}/clusters/:cluster/promises/:promise/resources/:ns/:name`,
        ({ request }) => {
          seenUrl = request.url;
          return HttpResponse.json({
            apiVersion: 'x/v1',
            kind: 'Postgres',
            metadata: { name: 'db', namespace: 'team-a' },
          });
        },
      ),
    );
    await client.getResource({ ...ref, name: 'db', cluster: 'prod' });
    expect(seenUrl).toBe(
      `${BASE}/clusters/prod/promises/postgres/resources/team-a/db`,
    );
  });

  it('lists runs and reads the logs of one run', async () => {
    server.use(
      http.get(`${BASE}/promises/postgres/resources/team-a/db/runs`, () =>
        HttpResponse.json({
          items: [
            {
              id: 'r2',
              type: 'resource',
              action: 'configure',
              generation: 2,
              phase: 'Running',
              pipelines: [],
            },
          ],
        }),
      ),
      http.get(
        `${BASE}/promises/postgres/resources/team-a/db/runs/:run/logs`,
        ({ params }) =>
          HttpResponse.json({
            items: [
              {
                pipeline: 'p',
                container: 'c',
                log: `logs of ${params.run}`,
                truncated: false,
              },
            ],
          }),
      ),
    );
    const dbRef = { ...ref, name: 'db' };

    const runs = await client.listRuns(dbRef);
    const logs = await client.getRunLogs(dbRef, 'run#1');

    expect(runs.map(r => r.id)).toEqual(['r2']);
    expect(logs[0].log).toBe('logs of run#1');
  });

  it('posts a reconcile request and accepts 202', async () => {
    const calls: string[] = [];
    server.use(
      http.post(
        `${BASE}/promises/postgres/resources/team-a/db/reconcile`,
        ({ request }) => {
          calls.push(request.method);
          return new HttpResponse(null, { status: 202 });
        },
      ),
    );

    await expect(
      client.reconcile({ ...ref, name: 'db' }),
    ).resolves.toBeUndefined();
    expect(calls).toEqual(['POST']);
  });

  it.each([
    [404, 'NotFoundError', 'Resource not found'],
    [403, 'NotAllowedError', 'Not allowed'],
    [500, 'Error', 'boom'],
  ])(
    'maps a %s to a ResponseError carrying the backend error',
    async (statusCode, name, message) => {
      server.use(
        http.get(`${BASE}/promises/postgres/resources/team-a/db`, () =>
          HttpResponse.json(
            { error: { name, message }, response: { statusCode } },
            { status: statusCode },
          ),
        ),
      );

      const error = await client
        .getResource({ ...ref, name: 'db' })
        .catch(e => e);

      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(statusCode);
      expect(error.cause.name).toBe(name);
      expect(error.cause.message).toBe(message);
    },
  );
});
