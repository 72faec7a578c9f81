import { ResponseError } from '@backstage/errors';
import { KratixApiClient } from './KratixApiClient';

/** A client whose fetch records each request and answers `answer`. */
function clientAnswering(answer: () => Response) {
  const seen: Request[] = [];
  const client = new KratixApiClient({
    discoveryApi: { getBaseUrl: async id => `http://backstage/api/${id}` },
    fetchApi: {
      fetch: async input => {
        seen.push(input as Request);
        return answer();
      },
    },
  });
  return { client, seen };
}

describe('KratixApiClient', () => {
  it("calls the plugin's routes, or a cluster's, with encoded parameters", async () => {
    const { client, seen } = clientAnswering(() =>
      Response.json({ items: [] }),
    );
    const path = { promise: 'iam', namespace: 'team a', name: 'x/y' };
    await (
      await client.at()
    ).GET('/promises/{promise}/resources', {
      params: { path, query: { limit: 5 } },
    });
    await (
      await client.at('prod/eu')
    ).POST('/promises/{promise}/resources/{namespace}/{name}/reconcile', {
      params: { path },
    });
    expect(seen.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET http://backstage/api/kratix/promises/iam/resources?limit=5',
      'POST http://backstage/api/kratix/clusters/prod%2Feu/promises/iam/resources/team%20a/x%2Fy/reconcile',
    ]);
  });

  it('rejects an error answer with a ResponseError that keeps its message', async () => {
    const { client } = clientAnswering(() =>
      Response.json(
        {
          error: { name: 'NotAllowedError', message: 'Not allowed' },
          response: { statusCode: 403 },
        },
        { status: 403 },
      ),
    );
    const error = await (await client.at())
      .GET('/promises')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).statusCode).toBe(403);
    expect((error as ResponseError).cause.message).toBe('Not allowed');
  });
});
