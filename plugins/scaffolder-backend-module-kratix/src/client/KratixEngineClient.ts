import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  KratixApiClient,
  KratixApiRoutes,
  KratixResource,
  ResourceRef,
  WorkflowRun,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';

/**
 * An error answer of the engine, with the engine's own message. Its name is
 * the engine's error name (`NotAllowedError`, `InputError`, …), so that a
 * Backstage error handler answers with the same HTTP status.
 *
 * @public
 */
export class KratixEngineError extends Error {
  readonly statusCode: number;

  constructor(message: string, readonly response: ResponseError) {
    super(message);
    this.name = response.cause.name || 'KratixEngineError';
    this.statusCode = response.statusCode;
  }
}

/** What a request sends for a Resource. */
export interface ResourceRequest {
  spec: Record<string, unknown>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * The fetch of a caller's token. Its JSON is parsed in this realm: the
 * scaffolder's templating only accepts plain objects, and `Response.json()`
 * may build them in another realm (as under Jest).
 */
function fetchWithToken(token: string): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    const response = await fetch(request);
    return Object.assign(response, {
      json: async () => JSON.parse(await response.text()),
    });
  };
}

/**
 * Scaffolder and MCP actions' use of the engine's REST API (the generated
 * `KratixApiClient`), called on behalf of the given credentials so that the
 * engine checks the caller's permissions.
 */
export class KratixEngineClient {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  /** Creates or updates a Resource; with `dryRun` the engine only validates it. */
  async applyResource(
    ref: ResourceRef,
    request: ResourceRequest,
    options: {
      credentials: BackstageCredentials;
      dryRun?: boolean;
      /** Create it; the engine answers 409 when it exists. */
      createOnly?: boolean;
    },
  ): Promise<{ resource: KratixResource; created: boolean }> {
    const applied = await this.call('request', ref, options.credentials, api =>
      api.PUT('/promises/{promise}/resources/{namespace}/{name}', {
        params: {
          path: pathOf(ref),
          query: options.dryRun ? { dryRun: 'true' } : {},
          header: options.createOnly ? { 'If-None-Match': '*' } : {},
        },
        body: {
          spec: request.spec,
          metadata: {
            labels: request.labels,
            annotations: request.annotations,
          },
        },
      }),
    );
    return {
      resource: applied?.data as KratixResource,
      created: applied?.response.status === 201,
    };
  }

  /** The Resource, or undefined when it does not exist (any more). */
  async findResource(
    ref: ResourceRef,
    options: { credentials: BackstageCredentials },
  ): Promise<KratixResource | undefined> {
    const found = await this.call(
      'read',
      ref,
      options.credentials,
      api =>
        api.GET('/promises/{promise}/resources/{namespace}/{name}', {
          params: { path: pathOf(ref) },
        }),
      [404],
    );
    return found?.data as KratixResource | undefined;
  }

  /** Asks for deletion; false when the Resource was already gone. */
  async deleteResource(
    ref: ResourceRef,
    options: { credentials: BackstageCredentials },
  ): Promise<boolean> {
    const deleted = await this.call(
      'delete',
      ref,
      options.credentials,
      api =>
        api.DELETE('/promises/{promise}/resources/{namespace}/{name}', {
          params: { path: pathOf(ref) },
        }),
      [404],
    );
    return deleted !== undefined;
  }

  /** The Resource's workflow runs, newest first; none when it is gone. */
  async listRuns(
    ref: ResourceRef,
    options: { credentials: BackstageCredentials },
  ): Promise<WorkflowRun[]> {
    const runs = await this.call(
      'list the workflow runs of',
      ref,
      options.credentials,
      api =>
        api.GET('/promises/{promise}/resources/{namespace}/{name}/runs', {
          params: { path: pathOf(ref) },
        }),
      [404],
    );
    return (runs?.data?.items ?? []) as WorkflowRun[];
  }

  /**
   * Calls the API of the Resource's cluster with a token on behalf of the
   * caller; undefined for an answer of `absentStatuses`.
   */
  private async call<T>(
    what: string,
    ref: ResourceRef,
    credentials: BackstageCredentials,
    send: (api: KratixApiRoutes) => Promise<T>,
    absentStatuses: number[] = [],
  ): Promise<T | undefined> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'kratix',
    });
    const client = new KratixApiClient({
      discoveryApi: this.options.discovery,
      fetchApi: { fetch: fetchWithToken(token) },
    });
    try {
      return await send(await client.at(ref.cluster));
    } catch (error) {
      if (!(error instanceof ResponseError)) throw error;
      if (absentStatuses.includes(error.statusCode)) return undefined;
      throw new KratixEngineError(
        `Could not ${what} Resource ${stringifyResourceRef(ref)}: ${
          error.cause.message
        } (HTTP ${error.statusCode})`,
        error,
      );
    }
  }
}

/** The path parameters of a Resource. */
function pathOf(ref: ResourceRef) {
  return { promise: ref.promise, namespace: ref.namespace, name: ref.name };
}
