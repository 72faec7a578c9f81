// A cache of one cluster's Kratix objects, kept by watches: Promises,
// HealthRecords, and the Resources of each Promise's API (a watch per
// Promise, started and stopped as Promises come and go). client-node's
// informer resumes a watch from its resourceVersion and lists again when
// the server answers 410 Gone. After any other failure of the Promise or
// HealthRecord watch the cluster is marked unreachable, and after one of a
// Promise's Resources (say the plugin may not read its API group) only
// that Promise: either starts again after a backoff.
import {
  CustomObjectsApi,
  Informer,
  KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  KratixPromise,
  KratixResource,
} from '@kratix-backstage/plugin-kratix-common';
import { KratixCluster } from './clusterConfig';
import { PromiseApi, promiseApiOf } from './promiseApi';

const KRATIX = { group: 'platform.kratix.io', version: 'v1alpha1' };

export interface ClusterCacheEvents {
  /** A Resource was added, changed or deleted (then `object` is undefined). */
  onResource(
    promise: string,
    namespace: string,
    name: string,
    object?: KratixResource,
  ): void;
  /** A Promise was added, changed or deleted (then `object` is undefined). */
  onPromise?(name: string, object?: KratixPromise): void;
  /** A HealthRecord was added, changed or deleted (as it was last). */
  onHealthRecord?(record: KubernetesObject): void;
}

type Watched<T extends KubernetesObject> = Informer<T> & {
  list(namespace?: string): T[];
  get(name: string, namespace?: string): T | undefined;
};

interface ResourceWatch {
  api: PromiseApi;
  informer: Watched<KubernetesObject>;
  synced: boolean;
  /** Why its Resources cannot be watched now. */
  failure?: string;
  restartMs: number;
  restartTimer?: NodeJS.Timeout;
}

const MAX_RESTART_MS = 30_000;

export class ClusterCache {
  private readonly custom: CustomObjectsApi;
  private readonly promiseWatch: Watched<KubernetesObject>;
  private readonly healthWatch: Watched<KubernetesObject>;
  private readonly resourceWatches = new Map<string, ResourceWatch>();
  private synced = false;
  private failure?: string;
  private restartMs = 500;
  private restartTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    readonly cluster: KratixCluster,
    private readonly events: ClusterCacheEvents,
    private readonly logger: LoggerService,
  ) {
    this.custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    this.promiseWatch = this.watch(
      '/apis/platform.kratix.io/v1alpha1/promises',
      () =>
        this.custom.listClusterCustomObject({ ...KRATIX, plural: 'promises' }),
    );
    this.promiseWatch.on('connect', () => {
      if (this.failure) {
        this.logger.info(`Kratix cluster ${this.cluster.name} reachable again`);
      }
    });
    this.promiseWatch.on('add', p => this.onPromise(p));
    this.promiseWatch.on('update', p => this.onPromise(p));
    this.promiseWatch.on('delete', p => {
      this.dropResources(p.metadata!.name!);
      this.events.onPromise?.(p.metadata!.name!);
    });
    this.healthWatch = this.watch(
      '/apis/platform.kratix.io/v1alpha1/healthrecords',
      () =>
        this.custom.listClusterCustomObject({
          ...KRATIX,
          plural: 'healthrecords',
        }),
    );
    for (const event of ['add', 'update', 'delete'] as const) {
      this.healthWatch.on(event, r => this.events.onHealthRecord?.(r));
    }
    for (const informer of [this.promiseWatch, this.healthWatch]) {
      informer.on('error', error => this.onError(informer, error));
    }
  }

  /** Starts the watches; resolves once Promises are listed (or failed). */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([this.promiseWatch.start(), this.healthWatch.start()]);
    this.synced = this.failure === undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await Promise.all([
      this.promiseWatch.stop(),
      this.healthWatch.stop(),
      ...[...this.resourceWatches.values()].map(w => {
        clearTimeout(w.restartTimer);
        return w.informer.stop();
      }),
    ]);
  }

  /** Why the cluster cannot be read now, if it cannot. */
  get unavailable(): string | undefined {
    if (this.failure) return this.failure;
    return this.synced ? undefined : 'not listed yet';
  }

  promises(): KratixPromise[] {
    return this.promiseWatch.list() as unknown as KratixPromise[];
  }

  promise(name: string): KratixPromise | undefined {
    return this.promiseWatch.get(name) as unknown as KratixPromise | undefined;
  }

  /** The API of a Promise, as its Resources are served. */
  api(promise: string): PromiseApi | undefined {
    return this.resourceWatches.get(promise)?.api;
  }

  /**
   * A Promise's Resources; a string says why there are none to give (being
   * listed, or the watch failed).
   */
  resources(promise: string): KratixResource[] | string {
    const watch = this.readable(promise);
    if (typeof watch === 'string') return watch;
    return watch.informer.list() as unknown as KratixResource[];
  }

  /** One Resource, by the watch's index (not a scan); a string as above. */
  resource(
    promise: string,
    namespace: string,
    name: string,
  ): KratixResource | undefined | string {
    const watch = this.readable(promise);
    if (typeof watch === 'string') return watch;
    return watch.informer.get(name, namespace) as unknown as
      | KratixResource
      | undefined;
  }

  private readable(promise: string): ResourceWatch | string {
    const watch = this.resourceWatches.get(promise);
    if (watch?.failure)
      return `its Resources cannot be watched: ${watch.failure}`;
    if (!watch?.synced) return 'its Resources are still being listed';
    return watch;
  }

  healthRecords(): KubernetesObject[] {
    return this.healthWatch.list();
  }

  /** One HealthRecord, by the watch's index. */
  healthRecord(namespace: string, name: string): KubernetesObject | undefined {
    return this.healthWatch.get(name, namespace);
  }

  private watch(
    path: string,
    list: () => Promise<unknown>,
  ): Watched<KubernetesObject> {
    const informer = makeInformer<KubernetesObject>(
      this.cluster.kubeConfig,
      path,
      list as () => Promise<any>,
    ) as Watched<KubernetesObject>;
    return informer;
  }

  private onPromise(object: KubernetesObject) {
    const promise = object as unknown as KratixPromise;
    const name = promise.metadata.name;
    let api: PromiseApi | undefined;
    try {
      api = promiseApiOf(promise);
    } catch (e) {
      this.logger.warn(
        `Kratix cluster ${this.cluster.name}: Promise ${name}: its API cannot be read, so its Resources are not shown: ${e}`,
      );
    }
    this.events.onPromise?.(name, promise);
    const current = this.resourceWatches.get(name);
    if (current && api && current.api.path === api.path) return;
    this.dropResources(name);
    if (!api) return;
    const informer = this.watch(api.path, () =>
      this.custom.listClusterCustomObject({
        group: api.group,
        version: api.version,
        plural: api.plural,
      }),
    );
    const watch: ResourceWatch = {
      api,
      informer,
      synced: false,
      restartMs: 500,
    };
    informer.on('error', error => this.onResourceError(name, watch, error));
    // Not for the first listing: no client has seen those Resources yet,
    // and 10,000 of them would be 10,000 signals at once.
    const publish = (o: KubernetesObject, deleted = false) =>
      watch.synced &&
      this.events.onResource(
        name,
        o.metadata?.namespace ?? '',
        o.metadata?.name ?? '',
        deleted ? undefined : (o as unknown as KratixResource),
      );
    informer.on('add', o => publish(o));
    informer.on('update', o => publish(o));
    informer.on('delete', o => publish(o, true));
    this.resourceWatches.set(name, watch);
    void this.startResources(watch);
  }

  private async startResources(watch: ResourceWatch) {
    watch.failure = undefined;
    await watch.informer.start().catch(() => undefined);
    if (!watch.failure) {
      watch.synced = true;
      watch.restartMs = 500;
    }
  }

  /** A Promise's Resources cannot be watched: that Promise only. */
  private onResourceError(name: string, watch: ResourceWatch, error: unknown) {
    const message = describeError(error);
    if (!watch.failure) {
      this.logger.warn(
        `Kratix cluster ${this.cluster.name}: the Resources of Promise ${name} cannot be watched: ${message}`,
      );
    }
    watch.failure = message;
    if (this.stopped || watch.restartTimer) return;
    watch.restartTimer = setTimeout(() => {
      watch.restartTimer = undefined;
      if (!this.stopped && this.resourceWatches.get(name) === watch) {
        void this.startResources(watch);
      }
    }, watch.restartMs);
    watch.restartMs = Math.min(watch.restartMs * 2, MAX_RESTART_MS);
  }

  private dropResources(promise: string) {
    const watch = this.resourceWatches.get(promise);
    if (!watch) return;
    this.resourceWatches.delete(promise);
    clearTimeout(watch.restartTimer);
    void watch.informer.stop();
  }

  /** A watch of the cluster failed: unreachable until it starts again. */
  private onError(informer: Watched<KubernetesObject>, error: unknown) {
    const message = describeError(error);
    if (!this.failure) {
      const what =
        informer === this.promiseWatch ? 'Promises' : 'HealthRecords';
      this.logger.warn(
        `Kratix cluster ${this.cluster.name}: the watch of ${what} failed: ${message}`,
      );
    }
    this.failure = message;
    if (this.stopped || this.restartTimer) return;
    this.restartTimer = setTimeout(() => this.restart(), this.restartMs);
    this.restartMs = Math.min(this.restartMs * 2, MAX_RESTART_MS);
  }

  private async restart() {
    this.restartTimer = undefined;
    if (this.stopped) return;
    this.failure = undefined;
    const watches = [this.promiseWatch, this.healthWatch];
    await Promise.all(watches.map(w => w.start().catch(() => undefined)));
    if (!this.failure) {
      this.synced = true;
      this.restartMs = 500;
    }
  }
}

/** A short reason from a client-node or network error. */
export function describeError(error: unknown): string {
  const e = error as { code?: unknown; body?: unknown; message?: string };
  if (typeof e?.body === 'string') {
    try {
      const status = JSON.parse(e.body);
      if (status?.message) return `${status.message} (HTTP ${e.code})`;
    } catch {
      // not a Status
    }
  }
  const cause = (error as { cause?: { message?: string } })?.cause?.message;
  return [e?.message ?? String(error), cause].filter(Boolean).join(': ');
}
