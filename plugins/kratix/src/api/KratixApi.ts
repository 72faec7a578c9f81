import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ContainerLog,
  KratixPromise,
  KratixResource,
  ResourceRef,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';

/**
 * Which Resources of a Promise to list, and where the page starts.
 *
 * @public
 */
export interface ListResourcesOptions {
  /** The cluster (Kubernetes mode with several clusters). */
  cluster?: string;
  namespace?: string;
  labelSelector?: string;
  /** At most this many (1-1000); `continue` then says where the next page starts. */
  limit?: number;
  /** The `continue` of the previous page, with the same filters. */
  continue?: string;
}

/**
 * One page of Resources; `continue` is set when more follow.
 *
 * @public
 */
export interface ResourcePage {
  items: KratixResource[];
  continue?: string;
}

/**
 * What the Kratix frontend needs from the `kratix` backend plugin.
 *
 * @public
 */
export interface KratixApi {
  /** The names of the configured clusters: none when embedded. */
  listClusters(): Promise<string[]>;
  /** Every Promise, status included. */
  listPromises(options?: { cluster?: string }): Promise<KratixPromise[]>;
  /** One page of a Promise's Resources, by namespace and name. */
  listResources(
    promise: string,
    options?: ListResourcesOptions,
  ): Promise<ResourcePage>;
  /** The Resource, status included. Rejects with a `ResponseError` (404, 403, ...). */
  getResource(ref: ResourceRef): Promise<KratixResource>;
  /** The Resource's workflow runs, newest first. */
  listRuns(ref: ResourceRef): Promise<WorkflowRun[]>;
  /** The container logs of one run of the Resource. */
  getRunLogs(ref: ResourceRef, runId: string): Promise<ContainerLog[]>;
  /** Asks for the Resource's configure workflow to run again. */
  reconcile(ref: ResourceRef): Promise<void>;
}

/** @public */
export const kratixApiRef = createApiRef<KratixApi>().with({
  id: 'plugin.kratix.service',
  pluginId: 'kratix',
});
