// Emits Kratix Promises and Resources as catalog entities: a full mutation
// at start and on a slow schedule, a delta for each changed object.
import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { ResourceRef } from '@kratix-backstage/plugin-kratix-common';
import {
  KratixEntityOptions,
  PromiseRef,
  promiseEntityRef,
  promiseToEntity,
  resourceEntityRef,
  resourceToEntity,
} from './entities';
import { KratixObjectsClient } from './KratixObjectsClient';

/**
 * The events-service topic on which the Kratix backend publishes every
 * change of a Promise or Resource (`KRATIX_STATUS_TOPIC` of
 * `@kratix-backstage/plugin-kratix-backend`). @public
 */
export const KRATIX_EVENTS_TOPIC = 'kratix.status';

/** What this provider reads of an event on {@link KRATIX_EVENTS_TOPIC}. @public */
export interface KratixObjectKey {
  kind: 'Promise' | 'Resource';
  cluster?: string;
  promise: string;
  namespace: string;
  name: string;
}

/** Changes closer together than this go in one delta. */
const DELTA_DELAY_MS = 100;
const LOCATION_KEY = 'kratix';

/** @public */
export class KratixEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  /** Objects changed since the last delta, by their ref. */
  private readonly changed = new Map<string, KratixObjectKey>();
  private deltaTimer?: ReturnType<typeof setTimeout>;
  /** Mutations run one after another, so a full one never undoes a delta. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      client: KratixObjectsClient;
      logger: LoggerService;
      /** Kubernetes mode: the clusters to read; none: the default API. */
      clusters?: string[];
      entityOptions: () => Promise<KratixEntityOptions>;
    },
  ) {}

  getProviderName(): string {
    return 'KratixEntityProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    if (this.changed.size > 0) this.scheduleDelta();
  }

  /** Replaces every entity of this provider with what Kratix holds now. */
  refresh(): Promise<void> {
    return this.serially(async () => {
      const connection = this.requireConnection();
      const options = await this.options.entityOptions();
      const entities: Entity[] = [];
      for (const cluster of this.clusters()) {
        for (const promise of await this.options.client.listPromises(cluster)) {
          const name = promise.metadata.name;
          entities.push(
            promiseToEntity({ cluster, promise: name }, promise, options),
          );
          for (const resource of await this.options.client.listResources(
            name,
            cluster,
          )) {
            const ref = {
              cluster,
              promise: name,
              namespace: resource.metadata.namespace ?? 'default',
              name: resource.metadata.name,
            };
            entities.push(resourceToEntity(ref, resource, options));
          }
        }
      }
      await connection.applyMutation({
        type: 'full',
        entities: entities.map(deferred),
      });
      this.options.logger.info(
        `Kratix entities: ${entities.length} in the catalog`,
      );
    });
  }

  /**
   * An object changed (an event on {@link KRATIX_EVENTS_TOPIC}): it is read
   * again, with the others changed at about the same time, and its entity
   * added, updated or removed. Returns at once.
   */
  objectChanged(key: KratixObjectKey): void {
    if (!this.clusters().includes(key.cluster)) return;
    const id = [
      key.kind,
      key.cluster ?? '',
      key.promise,
      key.namespace,
      key.name,
    ].join('/');
    this.changed.set(id, key);
    if (this.connection) this.scheduleDelta();
  }

  private scheduleDelta() {
    if (this.deltaTimer) return;
    this.deltaTimer = setTimeout(() => {
      this.deltaTimer = undefined;
      this.serially(() => this.applyDelta()).catch(e =>
        this.options.logger.warn(
          `Kratix entities not updated: ${(e as Error).message}`,
        ),
      );
    }, DELTA_DELAY_MS);
  }

  private async applyDelta() {
    const keys = [...this.changed.values()];
    this.changed.clear();
    if (keys.length === 0) return;
    const options = await this.options.entityOptions();
    const added: DeferredEntity[] = [];
    const removed: Array<{ entityRef: string; locationKey: string }> = [];
    for (const key of keys) {
      try {
        const entity = await this.read(key, options);
        if (entity) added.push(deferred(entity));
        else
          removed.push({
            entityRef: refOf(key, options),
            locationKey: LOCATION_KEY,
          });
      } catch (e) {
        // The next full mutation catches up.
        this.options.logger.warn(
          `Kratix ${key.kind} ${key.promise}/${key.namespace}/${
            key.name
          } not updated in the catalog: ${(e as Error).message}`,
        );
      }
    }
    await this.requireConnection().applyMutation({
      type: 'delta',
      added,
      removed,
    });
  }

  /** The object's entity now, or undefined when the object is gone. */
  private async read(
    key: KratixObjectKey,
    options: KratixEntityOptions,
  ): Promise<Entity | undefined> {
    const { client } = this.options;
    if (key.kind === 'Promise') {
      const promise = await client.getPromise(key.promise, key.cluster);
      return promise && promiseToEntity(key, promise, options);
    }
    const ref = resourceRefOf(key);
    const resource = await client.getResource(ref);
    return resource && resourceToEntity(ref, resource, options);
  }

  private clusters(): Array<string | undefined> {
    return this.options.clusters?.length ? this.options.clusters : [undefined];
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error('KratixEntityProvider is not connected to the catalog');
    }
    return this.connection;
  }

  private serially(job: () => Promise<void>): Promise<void> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => {});
    return run;
  }
}

function deferred(entity: Entity): DeferredEntity {
  return { entity, locationKey: LOCATION_KEY };
}

function resourceRefOf(key: KratixObjectKey): ResourceRef {
  const { cluster, promise, namespace, name } = key;
  return cluster
    ? { cluster, promise, namespace, name }
    : { promise, namespace, name };
}

function refOf(key: KratixObjectKey, options: KratixEntityOptions): string {
  return key.kind === 'Promise'
    ? promiseEntityRef(key satisfies PromiseRef, options)
    : resourceEntityRef(resourceRefOf(key), options);
}
