import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ContainerLog,
  KratixPromise,
  KratixResource,
  ListResponse,
  ResourceRef,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';
import { KratixApi, ListResourcesOptions, ResourcePage } from './KratixApi';

/**
 * Talks to the `kratix` backend plugin through `fetchApi`, so the user's
 * token goes with every call.
 *
 * @public
 */
export class KratixClient implements KratixApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async listClusters(): Promise<string[]> {
    const body = await this.#request<ListResponse<{ name: string }>>(
      '/clusters',
    );
    return (body.items ?? []).map(c => c.name);
  }

  async listPromises(options?: { cluster?: string }): Promise<KratixPromise[]> {
    const body = await this.#request<ListResponse<KratixPromise>>(
      `${this.#clusterPath(options?.cluster)}/promises`,
    );
    return body.items ?? [];
  }

  async listResources(
    promise: string,
    options: ListResourcesOptions = {},
  ): Promise<ResourcePage> {
    const { cluster, ...filter } = options;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value !== undefined && value !== '') query.set(key, String(value));
    }
    const search = query.toString() ? `?${query}` : '';
    const body = await this.#request<
      ListResponse<KratixResource> & { metadata?: { continue?: string } }
    >(
      `${this.#clusterPath(cluster)}/promises/${encodeURIComponent(
        promise,
      )}/resources${search}`,
    );
    return {
      items: body.items ?? [],
      ...(body.metadata?.continue && { continue: body.metadata.continue }),
    };
  }

  async getResource(ref: ResourceRef): Promise<KratixResource> {
    return this.#request<KratixResource>(this.#resourcePath(ref));
  }

  async listRuns(ref: ResourceRef): Promise<WorkflowRun[]> {
    const body = await this.#request<ListResponse<WorkflowRun>>(
      `${this.#resourcePath(ref)}/runs`,
    );
    return body.items ?? [];
  }

  async getRunLogs(ref: ResourceRef, runId: string): Promise<ContainerLog[]> {
    const body = await this.#request<ListResponse<ContainerLog>>(
      `${this.#resourcePath(ref)}/runs/${encodeURIComponent(runId)}/logs`,
    );
    return body.items ?? [];
  }

  async reconcile(ref: ResourceRef): Promise<void> {
    await this.#request<void>(`${this.#resourcePath(ref)}/reconcile`, {
      method: 'POST',
    });
  }

  #clusterPath(cluster: string | undefined): string {
    return cluster ? `/clusters/${encodeURIComponent(cluster)}` : '';
  }

  #resourcePath(ref: ResourceRef): string {
    const segment = encodeURIComponent;
    const cluster = this.#clusterPath(ref.cluster);
    return `${cluster}/promises/${segment(ref.promise)}/resources/${segment(
      ref.namespace,
    )}/${segment(ref.name)}`;
  }

  async #request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('kratix');
    const response = await this.#fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 202 || response.status === 204) {
      return undefined as T;
    }
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
