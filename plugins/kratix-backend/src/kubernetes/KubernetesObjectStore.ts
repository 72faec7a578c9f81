// The object store on a Kubernetes cluster: Promises are the cluster's
// `platform.kratix.io/v1alpha1` Promises, Resources the objects of each
// Promise's API. Reads come from a ClusterCache (the watches), writes go to
// the API server. generation and resourceVersion are the API server's:
// resourceVersion is opaque there (compare it, never count on it), and an
// update with a stale one fails with a ConflictError (the server's 409).
// Resource changes reach `onChange` from the watch, after the write has
// returned; reads are the cache's too: a read right after a write may not
// see it yet.
import {
  InputError,
  NotFoundError,
  NotImplementedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  KratixPromise,
  KratixResource,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import { ChangeFeed } from '../database/changeFeed';
import {
  ListObjectsOptions,
  NewObject,
  ObjectChange,
  ObjectKey,
  ObjectRevision,
  ObjectStore,
  ObjectUpdate,
  StoredObject,
} from '../database/ObjectStore';
import { hashSpec } from '../database/stableJson';
import { ClusterCache, ClusterCacheEvents } from './ClusterCache';
import { KratixCluster } from './clusterConfig';
import { clusterError, onCluster } from './clusterErrors';
import { promiseApiOf } from './promiseApi';

const PROMISES = {
  group: 'platform.kratix.io',
  version: 'v1alpha1',
  plural: 'promises',
};

type Where = { group: string; version: string; plural: string };
export type Kube = KratixPromise | KratixResource;

/** Where an object is served, for CustomObjectsApi calls. */
export interface Target {
  where: Where;
  namespace?: string;
  name: string;
}

export class KubernetesObjectStore implements ObjectStore {
  private readonly feed = new ChangeFeed<ObjectChange>();
  protected readonly custom: CustomObjectsApi;
  readonly cache: ClusterCache;

  /**
   * `onPromise`, `onHealthRecord`: each Promise or HealthRecord the watch
   * sees change (reconcile mode).
   */
  constructor(
    protected readonly cluster: KratixCluster,
    logger: LoggerService,
    options: Pick<ClusterCacheEvents, 'onPromise' | 'onHealthRecord'> = {},
  ) {
    this.custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    this.cache = new ClusterCache(
      cluster,
      {
        onResource: (promise, namespace, name, object) => {
          const key: ObjectKey = {
            kind: 'Resource',
            cluster: cluster.name,
            promise,
            namespace,
            name,
          };
          void this.feed.emit({
            key,
            stored: object && this.stored(key, object),
          });
        },
        onPromise: options.onPromise,
        onHealthRecord: options.onHealthRecord,
      },
      logger,
    );
  }

  /** Starts the watches; resolves once Promises are listed. */
  start(): Promise<void> {
    return this.cache.start();
  }

  stop(): Promise<void> {
    return this.cache.stop();
  }

  /**
   * Resource changes come from the watch, after the write. The cache tells
   * of no Promise changes, so those of Promises are the ones this store
   * wrote, told before the write returns (as the database store does).
   */
  onChange(
    listener: (change: ObjectChange) => void | Promise<void>,
  ): () => void {
    return this.feed.subscribe(listener);
  }

  async getObject(key: ObjectKey): Promise<StoredObject | undefined> {
    this.checkCluster(key);
    this.readable();
    if (key.kind === 'Promise') {
      const promise = this.cache.promise(key.name);
      return promise && this.stored(key, promise);
    }
    if (!this.cache.api(key.promise)) return undefined;
    const resource = this.cache.resource(key.promise, key.namespace, key.name);
    if (typeof resource === 'string') {
      throw new ServiceUnavailableError(
        `cluster ${this.cluster.name}: Promise ${key.promise}: ${resource}`,
      );
    }
    return resource && this.stored(key, resource);
  }

  async getRevision(key: ObjectKey): Promise<ObjectRevision | undefined> {
    const stored = await this.getObject(key);
    if (!stored) return undefined;
    const { generation, deletionTimestamp } = stored.object.metadata;
    return { generation: generation ?? 0, deleting: !!deletionTimestamp };
  }

  getObjects(keys: ObjectKey[]): Promise<Array<StoredObject | undefined>> {
    return Promise.all(keys.map(key => this.getObject(key)));
  }

  /** The cache is in memory: no batching is needed. */
  loadObject(key: ObjectKey): Promise<StoredObject | undefined> {
    return this.getObject(key);
  }

  async listObjects(options: ListObjectsOptions): Promise<StoredObject[]> {
    this.readable();
    let objects: StoredObject[];
    if (options.kind === 'Promise') {
      objects = this.cache
        .promises()
        .map(p => this.stored(this.promiseKey(p.metadata.name), p));
    } else {
      const promises = options.promise
        ? [options.promise]
        : this.cache.promises().map(p => p.metadata.name);
      objects = promises
        .filter(p => this.cache.api(p))
        .flatMap(promise => {
          const resources = this.cache.resources(promise);
          if (typeof resources === 'string') {
            throw new ServiceUnavailableError(
              `cluster ${this.cluster.name}: Promise ${promise}: ${resources}`,
            );
          }
          return resources.map(r =>
            this.stored(
              this.resourceKey(
                promise,
                r.metadata.namespace ?? '',
                r.metadata.name,
              ),
              r,
            ),
          );
        });
    }
    const { promise, namespace, after, limit } = options;
    const rows = objects
      .filter(o => promise === undefined || o.key.promise === promise)
      .filter(o => namespace === undefined || o.key.namespace === namespace)
      .filter(o => !after || compareKeys(o.key, after) > 0)
      .sort((a, b) => compareKeys(a.key, b.key));
    return limit === undefined ? rows : rows.slice(0, limit);
  }

  /** The API server's generation and resourceVersion; ConflictError if it exists. */
  async createObject(key: ObjectKey, object: NewObject): Promise<StoredObject> {
    const target = this.target(key);
    const body = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: {
        name: key.name,
        ...(target.namespace ? { namespace: target.namespace } : {}),
        labels: object.labels,
        annotations: object.annotations,
      },
      spec: object.spec,
    };
    let created = (await onCluster(this.cluster.name, () =>
      target.namespace
        ? this.custom.createNamespacedCustomObject({
            ...target.where,
            namespace: target.namespace,
            body,
          })
        : this.custom.createClusterCustomObject({ ...target.where, body }),
    )) as Kube;
    // The status subresource ignores a status given on create: it is
    // written next, and when the schema refuses it the call fails with the
    // object created (without that status).
    if (object.status && Object.keys(object.status).length) {
      created = await this.replaceStatus(target, created, object.status);
    }
    return this.written(key, created);
  }

  /**
   * Replaces the object with `metadata.resourceVersion` set: the API server
   * answers 409 when it is stale. Without one, the current version is read
   * from the API server first. `deletionTimestamp` set deletes the object
   * (the API server sets it); clearing it is not possible on Kubernetes.
   */
  async updateObject(
    key: ObjectKey,
    update: ObjectUpdate,
  ): Promise<StoredObject> {
    const target = this.target(key);
    if (update.deletionTimestamp === null) {
      throw new NotImplementedError(
        `cluster ${this.cluster.name}: the API server sets and never clears metadata.deletionTimestamp`,
      );
    }
    const current = await this.read(target);
    const body = {
      ...current,
      apiVersion: update.apiVersion ?? current.apiVersion,
      kind: update.kind ?? current.kind,
      metadata: {
        ...current.metadata,
        resourceVersion:
          update.resourceVersion ?? current.metadata.resourceVersion,
        labels: update.labels ?? current.metadata.labels,
        annotations: update.annotations ?? current.metadata.annotations,
      },
      spec: update.spec ?? current.spec,
    };
    let written = (await onCluster(this.cluster.name, () =>
      target.namespace
        ? this.custom.replaceNamespacedCustomObject({
            ...target.where,
            namespace: target.namespace,
            name: target.name,
            body,
          })
        : this.custom.replaceClusterCustomObject({
            ...target.where,
            name: target.name,
            body,
          }),
    )) as Kube;
    if (update.status) {
      written = await this.replaceStatus(target, written, update.status);
    }
    if (update.deletionTimestamp) {
      await this.remove(target);
      written = (await this.read(target, true)) ?? written;
    }
    return this.written(key, written);
  }

  /** Through the status subresource, with the expected resourceVersion. */
  async updateStatus(
    key: ObjectKey,
    status: KratixStatus,
    expectedResourceVersion?: string,
  ): Promise<StoredObject> {
    const target = this.target(key);
    const current = await this.read(target);
    const written = await this.replaceStatus(
      target,
      current,
      status,
      expectedResourceVersion,
    );
    return this.written(key, written);
  }

  /** False when missing. Workflow runs and logs are not kept here. */
  async deleteObject(key: ObjectKey): Promise<boolean> {
    const target = this.target(key);
    const deleted = await this.remove(target);
    if (deleted && key.kind === 'Promise') {
      await this.feed.emit({ key: { ...key, cluster: this.cluster.name } });
    }
    return deleted;
  }

  private async remove(target: Target): Promise<boolean> {
    try {
      await (target.namespace
        ? this.custom.deleteNamespacedCustomObject({
            ...target.where,
            namespace: target.namespace,
            name: target.name,
          })
        : this.custom.deleteClusterCustomObject({
            ...target.where,
            name: target.name,
          }));
      return true;
    } catch (e) {
      const error = clusterError(this.cluster.name, e);
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  private async replaceStatus(
    target: Target,
    current: Kube,
    status: KratixStatus,
    resourceVersion = current.metadata.resourceVersion,
  ): Promise<Kube> {
    const body = {
      ...current,
      metadata: { ...current.metadata, resourceVersion },
      // Upstream's Promise CRD requires its workflow counters.
      status:
        target.where === PROMISES
          ? {
              workflows: 0,
              workflowsSucceeded: 0,
              workflowsFailed: 0,
              ...status,
            }
          : status,
    };
    return (await onCluster(this.cluster.name, () =>
      target.namespace
        ? this.custom.replaceNamespacedCustomObjectStatus({
            ...target.where,
            namespace: target.namespace,
            name: target.name,
            body,
          })
        : this.custom.replaceClusterCustomObjectStatus({
            ...target.where,
            name: target.name,
            body,
          }),
    )) as Kube;
  }

  /** The object as the API server has it now (not the cache). */
  protected async read(target: Target): Promise<Kube>;
  protected async read(target: Target, gone: true): Promise<Kube | undefined>;
  protected async read(
    target: Target,
    gone = false,
  ): Promise<Kube | undefined> {
    try {
      return (await (target.namespace
        ? this.custom.getNamespacedCustomObject({
            ...target.where,
            namespace: target.namespace,
            name: target.name,
          })
        : this.custom.getClusterCustomObject({
            ...target.where,
            name: target.name,
          }))) as Kube;
    } catch (e) {
      const error = clusterError(this.cluster.name, e);
      if (gone && error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** Where a key is served: a Resource's Promise must be known. */
  protected target(key: ObjectKey): Target {
    this.checkCluster(key);
    if (key.kind === 'Promise') return { where: PROMISES, name: key.name };
    if (!key.namespace) {
      throw new InputError(`Resource ${key.name}: a namespace is required`);
    }
    const promise = this.cache.promise(key.promise);
    if (!promise) {
      throw new NotFoundError(
        `cluster ${this.cluster.name}: no Promise ${key.promise}`,
      );
    }
    const api = promiseApiOf(promise);
    if (!api) {
      throw new InputError(
        `cluster ${this.cluster.name}: Promise ${key.promise} has no API: it has no Resources`,
      );
    }
    const { group, version, plural } = api;
    return {
      where: { group, version, plural },
      namespace: key.namespace,
      name: key.name,
    };
  }

  private async written(key: ObjectKey, object: Kube): Promise<StoredObject> {
    const stored = this.stored(key, object);
    if (key.kind === 'Promise') await this.feed.emit({ key, stored });
    return stored;
  }

  protected stored(key: ObjectKey, object: Kube): StoredObject {
    return {
      key: { ...key, cluster: this.cluster.name },
      object,
      specHash: hashSpec(object.spec),
    };
  }

  private promiseKey(name: string): ObjectKey {
    const cluster = this.cluster.name;
    return { kind: 'Promise', cluster, promise: name, namespace: '', name };
  }

  private resourceKey(
    promise: string,
    namespace: string,
    name: string,
  ): ObjectKey {
    const cluster = this.cluster.name;
    return { kind: 'Resource', cluster, promise, namespace, name };
  }

  private checkCluster(key: ObjectKey) {
    if (key.cluster !== undefined && key.cluster !== this.cluster.name) {
      throw new InputError(
        `${key.kind} ${key.name} is on cluster ${key.cluster}, not ${this.cluster.name}`,
      );
    }
  }

  private readable() {
    const why = this.cache.unavailable;
    if (why) {
      throw new ServiceUnavailableError(
        `cluster ${this.cluster.name} cannot be read: ${why}`,
      );
    }
  }
}

/** List order: promise, namespace, name. */
function compareKeys(
  a: { promise: string; namespace: string; name: string },
  b: { promise: string; namespace: string; name: string },
): number {
  for (const field of ['promise', 'namespace', 'name'] as const) {
    if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
  }
  return 0;
}
