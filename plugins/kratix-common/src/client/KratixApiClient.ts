import createClient, { Client, Middleware } from 'openapi-fetch';
import { ResponseError } from '@backstage/errors';
import type { components, paths } from '../generated/openapi';

/**
 * The routes of the `kratix` backend plugin's REST API, with their
 * parameters, bodies and answers, generated from its OpenAPI document.
 *
 * @public
 */
export type KratixApiPaths = paths;

/**
 * The schemas of the `kratix` backend plugin's OpenAPI document.
 *
 * @public
 */
export type KratixApiSchemas = components['schemas'];

/**
 * A client of the REST API, typed from its OpenAPI document (openapi-fetch).
 *
 * @public
 */
export type KratixApiRoutes = Client<KratixApiPaths>;

/** @public */
export interface KratixApiClientOptions {
  /** Finds the `kratix` backend plugin (a DiscoveryApi or DiscoveryService). */
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** Sends the requests, e.g. a frontend's `fetchApi` with the user's token; the global fetch by default. */
  fetchApi?: { fetch: typeof fetch };
}

/** Answers other than 2xx and 304 reject with Backstage's `ResponseError`. */
const rejectErrors: Middleware = {
  async onResponse({ response }) {
    if (!response.ok && response.status !== 304) {
      throw await ResponseError.fromResponse(response);
    }
    return undefined;
  },
};

/**
 * The REST API of the `kratix` backend plugin (`/api/kratix`), for the
 * frontend, scaffolder actions and MCP actions alike.
 *
 * @example
 * ```ts
 * const api = await new KratixApiClient({ discoveryApi, fetchApi }).at('prod');
 * const { data } = await api.GET('/promises/{promise}', {
 *   params: { path: { promise: 'postgres' } },
 * });
 * ```
 *
 * @public
 */
export class KratixApiClient {
  readonly #discoveryApi: KratixApiClientOptions['discoveryApi'];
  readonly #fetch: typeof fetch;

  constructor(options: KratixApiClientOptions) {
    this.#discoveryApi = options.discoveryApi;
    const fetchApi = options.fetchApi;
    // Called as functions: a browser's fetch refuses another `this`.
    this.#fetch = fetchApi
      ? (...args) => fetchApi.fetch(...args)
      : (...args) => fetch(...args);
  }

  /**
   * The routes of one cluster's API (the `/clusters/{cluster}` server of
   * Kubernetes mode), or of the default one. Answers other than 2xx and 304
   * reject with a `ResponseError`.
   */
  async at(cluster?: string): Promise<KratixApiRoutes> {
    const base = await this.#discoveryApi.getBaseUrl('kratix');
    const routes = createClient<KratixApiPaths>({
      baseUrl: cluster
        ? `${base}/clusters/${encodeURIComponent(cluster)}`
        : base,
      fetch: request => this.#fetch(request),
    });
    routes.use(rejectErrors);
    return routes;
  }
}
