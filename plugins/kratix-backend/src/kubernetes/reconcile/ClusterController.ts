// Reconcile mode's controller: turns the cluster's watch events into work
// for the embedded engine's Reconciler, while this replica leads. It puts
// the finalizers on, applies each Promise's API CRD, and queues objects
// on the triggers of watchTriggers.ts; a sweep of the watch cache catches
// what no event told (the first listing, a new leader).
import { LoggerService } from '@backstage/backend-plugin-api';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { KratixPromise } from '@kratix-backstage/plugin-kratix-common';
import { ObjectKey } from '../../database/ObjectStore';
import { WorkQueue } from '../../database/WorkQueue';
import { KratixObject } from '../../engine/interfaces';
import { parsePromise, reconciliationIntervalOf } from '../../engine';
import { Reconciler } from '../../reconciler/Reconciler';
import { promiseKey, resourceKey } from '../../reconciler/keys';
import { ReconcileObjectStore } from './ReconcileObjectStore';
import { Leadership } from './leadership';
import { applyPromiseCrd } from './promiseCrd';
import { Seen, WatchDecision, decide } from './watchTriggers';

export interface ClusterControllerOptions {
  store: ReconcileObjectStore;
  queue: WorkQueue;
  reconciler: Reconciler;
  leadership: Leadership;
  logger: LoggerService;
  /** The engine's reconcile interval, for Promises that give none. */
  reconcileIntervalMs: number;
  /** How often the watch cache is swept; default 5 s. */
  sweepMs?: number;
  /** How long a former leader's running workflows may take to stop. */
  stopGraceMs?: number;
  /** Runs on becoming the leader, before reconciling (Pod adoption). */
  onLeading?: () => Promise<void>;
  /** Told at once when this replica stops leading, before its work stops. */
  onStepDown?: () => void;
  /** Each sweep of the watch cache while leading, besides the objects'. */
  onSweep?: () => Promise<void>;
}

/** The longest wait for a new API's Resources to be listed. */
const RESOURCES_LISTED_MS = 30_000;

const idOf = (k: ObjectKey) =>
  `${k.kind}/${k.promise}/${k.namespace}/${k.name}`;

export class ClusterController {
  private readonly seen = new Map<string, Seen>();
  private readonly examining = new Map<string, Promise<void>>();
  private readonly crds: KubernetesObjectApi;
  private leading = false;
  private sweepTimer?: NodeJS.Timeout;
  private unsubscribe: Array<() => void> = [];
  /** One leadership change at a time. */
  private switching: Promise<void> = Promise.resolve();

  constructor(private readonly options: ClusterControllerOptions) {
    this.crds = KubernetesObjectApi.makeApiClient(
      options.store.cache.cluster.kubeConfig,
    );
  }

  start(): void {
    const { leadership, store } = this.options;
    this.unsubscribe.push(
      leadership.onLeadershipChange(leader => this.setLeading(leader)),
      store.onChange(change => {
        if (change.key.kind !== 'Resource') return;
        if (change.stored) void this.examine(change.key, change.stored.object);
        else this.seen.delete(idOf(change.key));
      }),
    );
    this.setLeading(leadership.isLeader());
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.setLeading(false);
    await this.switching;
  }

  /** Whether this replica leads now. */
  get isLeading(): boolean {
    return this.leading;
  }

  /** A Promise the watch saw change (or go: then `object` is undefined). */
  onPromise(name: string, object?: KratixPromise): void {
    if (!object) this.seen.delete(idOf(promiseKey(name)));
    else void this.examine(promiseKey(name), object);
  }

  private setLeading(leader: boolean): void {
    const { reconciler, logger, leadership } = this.options;
    this.switching = this.switching.then(async () => {
      if (leader === this.leading) return;
      // A term that ended while the former switch ran: not begun at all.
      if (leader && !leadership.isLeader()) return;
      this.leading = leader;
      if (leader) {
        logger.info('Kratix reconcile mode: leading, reconciling the cluster');
        this.seen.clear();
        await this.options
          .onLeading?.()
          .catch(e => logger.error(`Kratix reconcile mode: on leading: ${e}`));
        if (!this.stillLeading()) return;
        // The first sweep queues before the reconciler claims: a run the
        // former leader left is then queued once, not again behind itself.
        await this.sweep();
        if (!this.stillLeading()) return;
        reconciler.start();
      } else {
        logger.info('Kratix reconcile mode: not leading, stopping');
        this.options.onStepDown?.();
        clearTimeout(this.sweepTimer);
        await reconciler.stop(this.options.stopGraceMs);
      }
    });
  }

  /**
   * Leading, and the Lease not lost meanwhile (its change is queued behind
   * the switch under way): work of a term goes on only while this holds.
   */
  private stillLeading(): boolean {
    return this.leading && this.options.leadership.isLeader();
  }

  /** Every object in the watch cache, examined; again after sweepMs. */
  private sweep(): Promise<void> {
    clearTimeout(this.sweepTimer);
    if (!this.leading) return Promise.resolve();
    const { cache } = this.options.store;
    const work: Array<Promise<void>> = [];
    if (this.options.onSweep) {
      work.push(
        this.options
          .onSweep()
          .catch(e => this.options.logger.warn(`Kratix reconcile mode: ${e}`)),
      );
    }
    if (!cache.unavailable) {
      for (const promise of cache.promises()) {
        const name = promise.metadata.name;
        work.push(this.examine(promiseKey(name), promise));
        const resources = cache.resources(name);
        if (typeof resources === 'string') continue;
        for (const r of resources) {
          const key = resourceKey(
            name,
            r.metadata.namespace ?? '',
            r.metadata.name,
          );
          work.push(this.examine(key, r));
        }
      }
    }
    return Promise.all(work)
      .then(() => {})
      .finally(() => {
        if (!this.leading) return;
        this.sweepTimer = setTimeout(
          () => void this.sweep(),
          this.options.sweepMs ?? 5000,
        );
      });
  }

  /** One examination per object at a time, in the order asked. */
  private examine(key: ObjectKey, object: KratixObject): Promise<void> {
    const id = idOf(key);
    const next = (this.examining.get(id) ?? Promise.resolve()).then(() =>
      this.examineNow(key, object),
    );
    this.examining.set(id, next);
    return next.finally(() => {
      if (this.examining.get(id) === next) this.examining.delete(id);
    });
  }

  /** Acts on what `decide` asks for one object. */
  private async examineNow(
    key: ObjectKey,
    object: KratixObject,
  ): Promise<void> {
    if (!this.stillLeading()) return;
    const { store, queue, reconciler, logger } = this.options;
    const id = idOf(key);
    const last = this.seen.get(id);
    const decision = decide(key.kind, object, last);
    if (sameSeen(last, decision.seen) && !decision.addFinalizers) return;
    try {
      if (decision.addFinalizers) await store.addFinalizers(key);
      if (
        key.kind === 'Promise' &&
        decision.enqueue &&
        !object.metadata.deletionTimestamp
      ) {
        await applyPromiseCrd(this.crds, object as KratixPromise);
        // Its reconcile lists its Resources: their watch first.
        await this.resourcesListed(key.name);
      }
      const wanted = await this.unlessReconciled(key, object, last, decision);
      if (wanted) {
        const notBefore = wanted.afterInterval
          ? new Date(Date.now() + this.intervalOf(key))
          : undefined;
        await queue.enqueue(key, { reason: wanted.reason, notBefore });
      }
      if (decision.resourcesToo) {
        const resources = await store.listObjects({
          kind: 'Resource',
          promise: key.name,
        });
        for (const r of resources) {
          await queue.enqueue(r.key, { reason: 'promise-changed' });
        }
      }
      this.seen.set(id, decision.seen);
      if (wanted) reconciler.wake();
    } catch (e) {
      // Not seen: the next event or sweep tries again.
      logger.warn(`Kratix reconcile mode: ${id}: ${e}`);
    }
  }

  /**
   * What `decision` queues; but a first sight's `created` is checked on the
   * API server: the watch cache may not show yet the run that reconciled
   * the object just now (a new term's first sweep), which must not run
   * again as a new object's.
   */
  private async unlessReconciled(
    key: ObjectKey,
    object: KratixObject,
    last: Seen | undefined,
    decision: WatchDecision,
  ): Promise<WatchDecision['enqueue']> {
    const wanted = decision.enqueue;
    if (last || wanted?.reason !== 'created') return wanted;
    const fresh = await this.options.store.getObject(key);
    const generation = object.metadata.generation ?? 1;
    return fresh?.object.status?.observedGeneration === generation
      ? { reason: 'interval', afterInterval: true }
      : wanted;
  }

  /** Until the watch of the Promise's Resources has listed them. */
  private async resourcesListed(promise: string): Promise<void> {
    const { cache } = this.options.store;
    const deadline = Date.now() + RESOURCES_LISTED_MS;
    for (;;) {
      const why = cache.api(promise) ? cache.resources(promise) : [];
      if (typeof why !== 'string') return;
      if (Date.now() > deadline) throw new Error(`Promise ${promise}: ${why}`);
      await new Promise(r => setTimeout(r, 50));
    }
  }

  private intervalOf(key: ObjectKey): number {
    const fallback = this.options.reconcileIntervalMs;
    const promise = this.options.store.cache.promise(key.promise);
    try {
      return promise
        ? reconciliationIntervalOf(parsePromise(promise), fallback)
        : fallback;
    } catch {
      return fallback;
    }
  }
}

function sameSeen(a: Seen | undefined, b: Seen): boolean {
  return (
    a !== undefined &&
    a.generation === b.generation &&
    a.deleting === b.deleting &&
    a.manualAt === b.manualAt
  );
}
