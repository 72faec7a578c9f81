import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  KratixResource,
  ListResponse,
  ResourceRef,
  WorkflowRun,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';

const enc = encodeURIComponent;

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
 * The Kratix engine's REST API (`/api/kratix`), called on behalf of the
 * given credentials so that the engine checks the caller's permissions.
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
    const query = options.dryRun ? '?dryRun=true' : '';
    const response = await this.call(
      'request',
      ref,
      options.credentials,
      query,
      {
        method: 'PUT',
        headers: options.createOnly ? { 'If-None-Match': '*' } : {},
        body: JSON.stringify({
          spec: request.spec,
          metadata: {
            labels: request.labels,
            annotations: request.annotations,
          },
        }),
      },
    );
    return {
      resource: (await readJson(response)) as KratixResource,
      created: response.status === 201,
    };
  }

  /** The Resource, or undefined when it does not exist (any more). */
  async findResource(
    ref: ResourceRef,
    options: { credentials: BackstageCredentials },
  ): Promise<KratixResource | undefined> {
    const response = await this.call('read', ref, options.credentials, '', {}, [
      404,
    ]);
    if (response.status === 404) return undefined;
    return (await readJson(response)) as KratixResource;
  }

  /** Asks for deletion; false when the Resource was already gone. */
  async deleteResource(
    ref: ResourceRef,
    options: { credentials: BackstageCredentials },
  ): Promise<boolean> {
    const response = await this.call(
      'delete',
      ref,
      options.credentials,
      '',
      { method: 'DELETE' },
      [404],
    );
    return response.status !== 404;
  }

  /** The Resource's workflow runs, newest first; none when it is gone. */
  async listRuns(
    ref: ResourceRef,
    options: { credentials: BackstageCredentials },
  ): Promise<WorkflowRun[]> {
    const response = await this.call(
      'list the workflow runs of',
      ref,
      options.credentials,
      '/runs',
      {},
      [404],
    );
    if (response.status === 404) return [];
    return ((await readJson(response)) as ListResponse<WorkflowRun>).items;
  }

  private async call(
    what: string,
    ref: ResourceRef,
    credentials: BackstageCredentials,
    suffix: string,
    init: RequestInit,
    allowedStatuses: number[] = [],
  ): Promise<Response> {
    const baseUrl = await this.options.discovery.getBaseUrl('kratix');
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'kratix',
    });
    const { cluster, promise, namespace, name } = ref;
    const prefix = cluster ? `/clusters/${enc(cluster)}` : '';
    const path = `${prefix}/promises/${enc(promise)}/resources/${enc(
      namespace,
    )}/${enc(name)}`;
    const response = await fetch(`${baseUrl}${path}${suffix}`, {
      ...init,
      headers: {
        ...(init.headers as Record<string, string>),
        ...(init.body ? { 'Content-Type': 'application/json' } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
    });
    if (!response.ok && !allowedStatuses.includes(response.status)) {
      const error = await ResponseError.fromResponse(response);
      throw new KratixEngineError(
        `Could not ${what} Resource ${stringifyResourceRef(ref)}: ${
          error.cause.message
        } (HTTP ${error.statusCode})`,
        error,
      );
    }
    return response;
  }
}

/**
 * The body as JSON, parsed in this realm: the scaffolder's templating only
 * accepts plain objects, and `Response.json()` may build them in another
 * realm (as under Jest).
 */
async function readJson(response: Response): Promise<unknown> {
  return JSON.parse(await response.text());
}
