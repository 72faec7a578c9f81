import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  ContainerLog,
  KratixApiClient,
  KratixPromise,
  KratixResource,
  ResourceRef,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';
import { KratixApi, ListResourcesOptions, ResourcePage } from './KratixApi';

/** The path parameters of a Resource. */
const resourcePath = (ref: ResourceRef) => ({
  path: { promise: ref.promise, namespace: ref.namespace, name: ref.name },
});

/**
 * Talks to the `kratix` backend plugin through `fetchApi`, so the user's
 * token goes with every call: the generated `KratixApiClient`, in the
 * frontend's types.
 *
 * @public
 */
export class KratixClient implements KratixApi {
  readonly #api: KratixApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#api = new KratixApiClient(options);
  }

  async listClusters(): Promise<string[]> {
    const { data } = await (await this.#api.at()).GET('/clusters');
    return (data?.items ?? []).map(c => c.name);
  }

  async listPromises(options?: { cluster?: string }): Promise<KratixPromise[]> {
    const api = await this.#api.at(options?.cluster);
    const { data } = await api.GET('/promises');
    return (data?.items ?? []) as KratixPromise[];
  }

  async listResources(
    promise: string,
    options: ListResourcesOptions = {},
  ): Promise<ResourcePage> {
    const { cluster, ...filter } = options;
    const query = Object.fromEntries(
      Object.entries(filter).filter(([, v]) => v !== undefined && v !== ''),
    );
    const api = await this.#api.at(cluster);
    const { data } = await api.GET('/promises/{promise}/resources', {
      params: { path: { promise }, query },
    });
    const token = data?.metadata?.continue;
    return {
      items: (data?.items ?? []) as KratixResource[],
      ...(token && { continue: token }),
    };
  }

  async getResource(ref: ResourceRef): Promise<KratixResource> {
    const api = await this.#api.at(ref.cluster);
    const { data } = await api.GET(
      '/promises/{promise}/resources/{namespace}/{name}',
      { params: resourcePath(ref) },
    );
    return data as KratixResource;
  }

  async listRuns(ref: ResourceRef): Promise<WorkflowRun[]> {
    const api = await this.#api.at(ref.cluster);
    const { data } = await api.GET(
      '/promises/{promise}/resources/{namespace}/{name}/runs',
      { params: resourcePath(ref) },
    );
    return (data?.items ?? []) as WorkflowRun[];
  }

  async getRunLogs(ref: ResourceRef, runId: string): Promise<ContainerLog[]> {
    const api = await this.#api.at(ref.cluster);
    const { path } = resourcePath(ref);
    const { data } = await api.GET(
      '/promises/{promise}/resources/{namespace}/{name}/runs/{run}/logs',
      { params: { path: { ...path, run: runId } } },
    );
    return (data?.items ?? []) as ContainerLog[];
  }

  async reconcile(ref: ResourceRef): Promise<void> {
    const api = await this.#api.at(ref.cluster);
    await api.POST(
      '/promises/{promise}/resources/{namespace}/{name}/reconcile',
      { params: resourcePath(ref) },
    );
  }
}
