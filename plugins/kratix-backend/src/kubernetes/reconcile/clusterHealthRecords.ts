// Reconcile mode's HealthRecords are the cluster's (upstream's
// `healthrecords.platform.kratix.io`): the REST API reads and writes them
// on the API server, and the leader applies them to their Resources'
// status (reconciler/resourceHealth.ts, as the embedded engine does) when
// the watch sees one change, and on each sweep of the watch cache; both
// read the records from that cache, not by listing them again.
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { KubernetesObject } from '@kubernetes/client-node';
import { HealthRecord } from '@kratix-backstage/plugin-kratix-common';
import { applyHealthRecords, parseHealthRecord } from '../../engine';
import {
  HealthRecordStore,
  ResourceRef,
} from '../../database/HealthRecordStore';
import { ObjectKey, ObjectStore } from '../../database/ObjectStore';
import { stableStringify } from '../../database/stableJson';
import {
  healthTarget,
  refreshResourceHealth,
} from '../../reconciler/resourceHealth';
import { resourceKey } from '../../reconciler/keys';
import { ClusterCache } from '../ClusterCache';
import { HealthRecordApi } from '../healthRecordApi';

const idOf = (k: Pick<ObjectKey, 'promise' | 'namespace' | 'name'>) =>
  JSON.stringify([k.promise, k.namespace, k.name]);

/** The valid records among `objects`; `onInvalid` hears of the others. */
function parseAll(
  objects: KubernetesObject[],
  onInvalid?: (object: KubernetesObject, error: unknown) => void,
): HealthRecord[] {
  return objects.flatMap(o => {
    try {
      return [parseHealthRecord(o as object)];
    } catch (e) {
      onInvalid?.(o, e);
      return [];
    }
  });
}

/** How long a write of this store may wait for the watch to show it. */
const OWN_WRITE_WAIT_MS = 10_000;

/**
 * HealthRecordStore on the API server. It reads its own writes: records
 * are listed from the watch cache, unless the cache is not synced or has
 * not yet shown one of this store's writes (then from the API server).
 */
export class ClusterHealthRecords implements HealthRecordStore {
  private readonly api: HealthRecordApi;
  /** Own writes the cache may not show yet (no version: deleted). */
  private readonly ownWrites = new Map<
    string,
    { namespace: string; name: string; version?: string; until: number }
  >();

  constructor(private readonly cache: ClusterCache) {
    this.api = new HealthRecordApi(cache.cluster);
  }

  async putHealthRecord(record: HealthRecord): Promise<{ created: boolean }> {
    const { name, namespace = 'default' } = record.metadata;
    const existing = await this.api.read(namespace, name);
    const { object, created } = await this.api.write(
      namespace,
      name,
      record,
      existing,
    );
    this.wrote(namespace, name, object.metadata?.resourceVersion);
    return { created };
  }

  async getHealthRecord(
    namespace: string,
    name: string,
  ): Promise<HealthRecord | undefined> {
    const found = await this.api.read(namespace, name);
    return found && parseAll([found])[0];
  }

  async deleteHealthRecord(namespace: string, name: string): Promise<boolean> {
    try {
      await this.api.delete(namespace, name);
    } catch (e) {
      if (e instanceof NotFoundError) return false;
      throw e;
    }
    this.wrote(namespace, name, undefined);
    return true;
  }

  async listHealthRecordsForResource(
    ref: ResourceRef,
  ): Promise<HealthRecord[]> {
    const objects = this.cacheCurrent()
      ? this.cache.healthRecords()
      : await this.api.list();
    const id = idOf(ref);
    return parseAll(objects)
      .filter(r => idOf(healthTarget(r)) === id)
      .sort((a, b) =>
        `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
          `${b.metadata.namespace}/${b.metadata.name}`,
        ),
      );
  }

  private wrote(namespace: string, name: string, version?: string) {
    this.ownWrites.set(JSON.stringify([namespace, name]), {
      namespace,
      name,
      version,
      until: Date.now() + OWN_WRITE_WAIT_MS,
    });
  }

  /** Synced, and showing this store's writes (each, or a later version). */
  private cacheCurrent(): boolean {
    if (this.cache.unavailable) return false;
    for (const [key, w] of this.ownWrites) {
      const cached = this.cache.healthRecord(w.namespace, w.name);
      const shown = w.version
        ? cached?.metadata?.resourceVersion === w.version
        : !cached;
      // Not shown after the wait: another write came after it.
      if (shown || Date.now() > w.until) this.ownWrites.delete(key);
    }
    return this.ownWrites.size === 0;
  }
}

/**
 * The leader's side: a Resource whose health fields are not what its
 * HealthRecords (in the watch cache) say is refreshed.
 */
export class HealthRecordSync {
  private readonly warned = new Set<string>();

  constructor(
    private readonly options: {
      cache: ClusterCache;
      store: ObjectStore &
        Pick<HealthRecordStore, 'listHealthRecordsForResource'>;
      logger: LoggerService;
    },
  ) {}

  /** A record the watch saw change: its Resource, checked. */
  async examine(object: KubernetesObject): Promise<void> {
    const [record] = parseAll([object], this.warn);
    if (record) await this.check(healthTarget(record), this.byTarget());
  }

  /** Every Resource in the cache, checked. */
  async sweep(): Promise<void> {
    const { cache } = this.options;
    if (cache.unavailable) return;
    const records = this.byTarget();
    for (const promise of cache.promises()) {
      const resources = cache.resources(promise.metadata.name);
      if (typeof resources === 'string') continue;
      for (const r of resources) {
        const key = resourceKey(
          promise.metadata.name,
          r.metadata.namespace ?? '',
          r.metadata.name,
        );
        await this.check(key, records);
      }
    }
  }

  private byTarget(): Map<string, HealthRecord[]> {
    const records = new Map<string, HealthRecord[]>();
    for (const r of parseAll(this.options.cache.healthRecords(), this.warn)) {
      const id = idOf(healthTarget(r));
      records.set(id, [...(records.get(id) ?? []), r]);
    }
    return records;
  }

  private async check(
    key: ObjectKey,
    records: Map<string, HealthRecord[]>,
  ): Promise<void> {
    const { cache, store, logger } = this.options;
    const resource = cache.resource(key.promise, key.namespace, key.name);
    if (!resource || typeof resource === 'string') return;
    if (resource.metadata.deletionTimestamp) return;
    const status = resource.status ?? {};
    const wanted = applyHealthRecords(status, records.get(idOf(key)) ?? []);
    const health = (s: typeof status) =>
      stableStringify([s.healthRecord ?? null, s.healthStatus ?? null]);
    if (health(wanted) === health(status)) return;
    try {
      await refreshResourceHealth(store, key);
    } catch (e) {
      logger.warn(
        `Kratix reconcile mode: the health of Resource ${key.namespace}/${key.name} (Promise ${key.promise}) could not be written: ${e}`,
      );
    }
  }

  /** An invalid record on the cluster: said once per version. */
  private readonly warn = (object: KubernetesObject, error: unknown) => {
    const m = object.metadata;
    const id = `${m?.namespace}/${m?.name}@${m?.resourceVersion}`;
    if (this.warned.has(id)) return;
    this.warned.add(id);
    this.options.logger.warn(
      `Kratix reconcile mode: HealthRecord ${m?.namespace}/${m?.name} is ignored: ${error}`,
    );
  };
}
