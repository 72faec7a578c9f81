// Reads Promises and Resources through the Kratix REST API (/api/kratix),
// as the catalog's own service principal.
import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  KratixPromise,
  KratixResource,
  ListResponse,
  ResourceRef,
} from '@kratix-backstage/plugin-kratix-common';

const enc = encodeURIComponent;

/** Resources per page when listing. */
const PAGE_SIZE = 500;

export class KratixObjectsClient {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  async listPromises(cluster?: string): Promise<KratixPromise[]> {
    const page = await this.get<ListResponse<KratixPromise>>(
      cluster,
      '/promises',
    );
    return page!.items;
  }

  /** Every Resource of the Promise, page by page. */
  async listResources(
    promise: string,
    cluster?: string,
  ): Promise<KratixResource[]> {
    const items: KratixResource[] = [];
    let next: string | undefined;
    do {
      const query = `?limit=${PAGE_SIZE}${
        next ? `&continue=${enc(next)}` : ''
      }`;
      const page = await this.get<
        ListResponse<KratixResource> & { metadata?: { continue?: string } }
      >(cluster, `/promises/${enc(promise)}/resources${query}`, true);
      // Gone since it was listed: it has no Resources any more.
      if (!page) return [];
      items.push(...page.items);
      next = page.metadata?.continue;
    } while (next);
    return items;
  }

  /** The Promise, or undefined when it does not exist. */
  getPromise(
    promise: string,
    cluster?: string,
  ): Promise<KratixPromise | undefined> {
    return this.get(cluster, `/promises/${enc(promise)}`, true);
  }

  /** The Resource, or undefined when it does not exist. */
  getResource(ref: ResourceRef): Promise<KratixResource | undefined> {
    const { cluster, promise, namespace, name } = ref;
    return this.get(
      cluster,
      `/promises/${enc(promise)}/resources/${enc(namespace)}/${enc(name)}`,
      true,
    );
  }

  private async get<T>(
    cluster: string | undefined,
    path: string,
    allowMissing = false,
  ): Promise<T | undefined> {
    const baseUrl = await this.options.discovery.getBaseUrl('kratix');
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'kratix',
    });
    const prefix = cluster ? `/clusters/${enc(cluster)}` : '';
    const response = await fetch(`${baseUrl}${prefix}${path}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    if (allowMissing && response.status === 404) return undefined;
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      throw new Error(
        `Could not read ${prefix}${path} of the Kratix API: ${error.cause.message} (HTTP ${error.statusCode})`,
      );
    }
    return JSON.parse(await response.text()) as T;
  }
}
