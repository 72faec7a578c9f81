import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { KratixConfig } from '../config';
import {
  PipelineRunner,
  StateStore,
  WorkflowResult,
  getWorkflowPipelines,
  markReconcileError,
  parsePromise,
  reconciliationIntervalOf,
} from '../engine';
import { KratixPromise } from '@kratix-backstage/plugin-kratix-common';
import {
  WorkflowAction,
  WorkflowRunTrigger,
} from '@kratix-backstage/plugin-kratix-common';
import { ObjectKey, ObjectStore, StoredObject } from '../database/ObjectStore';
import { RunLog } from '../database/RunLog';
import { WorkItem, WorkQueue } from '../database/WorkQueue';
import { WorkPlacementStore } from '../database/WorkPlacementStore';
import { WorkflowRunRecorder } from './WorkflowRunRecorder';
import { WorkflowMetrics } from './WorkflowMetrics';
import { updateStatusFrom } from '../database/updateStatusFrom';
import { deleteRetryDelay, retryDelay } from './backoff';
import { isReconciliationPaused, markReconciliationPaused } from './pause';
import { objectWorkloadPath, promiseKey } from './keys';
import { runObjectWorkflow } from './runObjectWorkflow';
import {
  endWait,
  markNoLongerWaiting,
  markWaiting,
  preparePromise,
  requeueRequirers,
  unavailableBecause,
  wakeDependents,
} from './promiseAvailability';
import {
  deleteResourcesOf,
  deleteWorkflowSucceeded,
  resourceConfigureRunning,
} from './promiseDelete';
import { findSuspension } from '../engine/workflowControl';
import { runTrigger } from '../engine/runTrigger';
import {
  MANUAL_RECONCILIATION_LABEL,
  hasTrigger,
  removeLabel,
} from './triggers';

export interface ReconcilerOptions {
  store: ObjectStore & WorkQueue & RunLog & WorkPlacementStore;
  runner: PipelineRunner;
  stateStore: StateStore;
  logger: LoggerService;
  config: KratixConfig;
  /** Workflow and queue metrics; none when not given. */
  metrics?: WorkflowMetrics;
  /** Jitter of the retries after errors: values in [0, 1). Math.random by default. */
  random?: () => number;
  /**
   * `kratix.runner.process.images` when pipelines run as local processes:
   * a Promise's status then lists the fields they cannot honour.
   */
  processRunnerImages?: Record<string, string[]>;
}

/** A suspended run's message in the run log. */
export const SUSPENDED_RUN_MESSAGE =
  'Suspended by /kratix/metadata/workflow-control.yaml';

const keyId = (k: ObjectKey) =>
  `${k.kind}/${k.promise}/${k.namespace}/${k.name}`;

/**
 * Takes work from the durable queue and runs the workflows it asks for, at
 * most one per object (the queue lease is the lock) and up to
 * `concurrency` at once.
 */
export class Reconciler {
  readonly owner = `kratix-${randomUUID()}`;
  private readonly running = new Map<string, ObjectKey>();
  private readonly loops: Promise<void>[] = [];
  private stopped = true;
  /** Aborted when stop() gives up waiting for the running workflows. */
  private shutdown = new AbortController();
  /** The sleeping workers' alarms. */
  private readonly sleepers = new Set<() => void>();
  /** Counts wake() calls, so a worker not yet asleep does not miss one. */
  private wakes = 0;

  constructor(private readonly options: ReconcilerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    // A new one each start: a replica may lead, step down and lead again.
    if (this.shutdown.signal.aborted) this.shutdown = new AbortController();
    for (let i = 0; i < this.options.config.concurrency; i++) {
      this.loops.push(this.loop());
    }
  }

  /**
   * Stops taking work and waits for the running workflows, up to
   * `graceMs`; then stops their containers. Those runs are left to resume
   * on the next start (by this or another replica), not recorded as failed.
   */
  async stop(graceMs = Infinity): Promise<void> {
    this.stopped = true;
    this.wake();
    const loops = Promise.all(this.loops.splice(0));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>(resolve => {
      if (graceMs !== Infinity) timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([loops, grace]);
    clearTimeout(timer);
    this.shutdown.abort();
    await loops;
  }

  /** Call after enqueueing, so the work starts without waiting for a poll. */
  wake(): void {
    this.wakes++;
    for (const wakeUp of [...this.sleepers]) wakeUp();
  }

  private async loop(): Promise<void> {
    const { store, logger, config } = this.options;
    while (!this.stopped) {
      const wakes = this.wakes;
      let item: WorkItem | undefined;
      try {
        item = await store.claimNext({
          owner: this.owner,
          leaseMs: config.leaseMs,
          exclude: [...this.running.values()],
        });
      } catch (e) {
        logger.error(`Kratix work queue unavailable: ${e}`);
      }
      if (!item) {
        await this.sleep(wakes);
        continue;
      }
      if (this.stopped) {
        // Claimed as it stopped (a leader stepping down): not started.
        await this.releaseUnstarted(item);
        break;
      }
      this.running.set(keyId(item.key), item.key);
      try {
        await this.reconcile(item);
      } catch (e) {
        await this.retryAfterError(item, e);
      } finally {
        this.running.delete(keyId(item.key));
      }
    }
  }

  /**
   * A reconcile that failed with an error, not in a pipeline: says why on
   * the object (Reconciled False, ReconcileError) and runs it again after
   * a backoff. When even that cannot be saved, it is only logged.
   */
  private async retryAfterError(item: WorkItem, error: unknown): Promise<void> {
    const { store, logger, config } = this.options;
    const id = keyId(item.key);
    const failures = item.failures + 1;
    const delay = retryDelay(failures, {
      firstMs: config.errorRetryMs,
      maxMs: config.errorRetryMaxMs,
      random: this.options.random ?? Math.random,
    });
    const cause = error instanceof Error ? error.message : String(error);
    const message = `Reconcile failed (attempt ${failures}, next in ${
      Math.round(delay / 100) / 10
    }s): ${cause}`;
    logger.error(`${id}: ${message}`);
    try {
      await updateStatusFrom(store, item.key, current =>
        markReconcileError(current.object.status ?? {}, message, new Date()),
      );
    } catch (e) {
      logger.error(`${id}: could not save its reconcile error: ${e}`);
    }
    await store
      .release(item.key, this.owner, {
        notBefore: new Date(Date.now() + delay),
        failures,
      })
      .catch(e => logger.error(`${id}: could not schedule its retry: ${e}`));
  }

  /** Frees a claim this stopped reconciler will not run: due again now. */
  private async releaseUnstarted(item: WorkItem): Promise<void> {
    await this.options.store
      .release(item.key, this.owner, { notBefore: new Date() })
      .catch(e =>
        this.options.logger.error(
          `${keyId(item.key)}: could not release its claim: ${e}`,
        ),
      );
  }

  /** Until the next entry is due, a poll, or a wake() since `wakes`. */
  private async sleep(wakes: number): Promise<void> {
    const { store, config } = this.options;
    const due = await store.nextDueAt().catch(() => undefined);
    if (this.wakes !== wakes || this.stopped) return;
    const until = due ? due.getTime() - Date.now() : config.pollIntervalMs;
    const ms = Math.max(10, Math.min(config.pollIntervalMs, until));
    const sleepers = this.sleepers;
    await new Promise<void>(resolve => {
      const timer = setTimeout(done, ms);
      sleepers.add(done);
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
    });
  }

  /** One claimed queue entry: the workflow its object needs now. */
  private async reconcile(item: WorkItem): Promise<void> {
    const { store, config } = this.options;
    let stored = await store.getObject(item.key);
    if (!stored) {
      await store.complete(item.key, this.owner, item.seq);
      return;
    }
    const promiseStored =
      item.key.kind === 'Promise'
        ? stored
        : await store.getObject(promiseKey(item.key.promise));
    if (isReconciliationPaused(stored, promiseStored)) {
      // Until the label goes: removing it requests the object again.
      await markReconciliationPaused(store, stored);
      await store.complete(item.key, this.owner, item.seq);
      return;
    }
    const deleting = Boolean(stored.object.metadata.deletionTimestamp);
    if (deleting && item.key.kind === 'Promise') {
      // As upstream: its delete workflow first, then its Resources go.
      if (await this.promiseDeleteStep(item, stored)) return;
    } else if (!deleting && item.key.kind === 'Promise') {
      stored = await preparePromise(
        store,
        stored,
        this.options.processRunnerImages,
      );
    } else if (!deleting && promiseStored) {
      // As upstream: a Resource waits until its Promise is available.
      const why = unavailableBecause(promiseStored.object as KratixPromise);
      if (why) {
        await this.waitForPromise(item, stored, why);
        return;
      }
      stored = await markNoLongerWaiting(store, stored);
    }
    const action: WorkflowAction = deleting ? 'delete' : 'configure';
    const labelled = hasTrigger(stored, MANUAL_RECONCILIATION_LABEL);
    const manual = labelled || item.reason === 'manual';
    // Suspended by a workflow-control.yaml (as upstream): only its retry,
    // a newer spec or a manual reconcile runs the workflow again.
    const suspension = findSuspension(
      stored.object.status,
      stored.object.metadata.generation ?? 1,
    );
    const retryDue = suspension?.retryAt && suspension.retryAt <= new Date();
    if (suspension && !deleting && !manual && !retryDue) {
      await store.complete(item.key, this.owner, item.seq);
      if (suspension.retryAt) {
        await store.enqueue(item.key, {
          reason: 'workflow-retry',
          notBefore: suspension.retryAt,
        });
      }
      return;
    }
    // As upstream: the trigger label goes as its workflow starts.
    const current = labelled
      ? await removeLabel(store, stored, MANUAL_RECONCILIATION_LABEL)
      : stored;
    const { outcome, retryAt } = await this.runWorkflow(
      item,
      action,
      current,
      item.key.kind === 'Promise' ? current : promiseStored,
      runTrigger({
        ...item,
        action,
        labelled,
        neverConfigured:
          current.object.status?.observedGeneration === undefined,
      }),
      // A retry resumes at the suspended pipeline.
      retryDue && !manual ? suspension?.pipeline : undefined,
    );
    if (outcome === 'interrupted') {
      // Resumed on the next start, at once.
      await store.release(item.key, this.owner, { notBefore: new Date() });
      return;
    }
    const result = await store.complete(item.key, this.owner, item.seq);
    if (outcome === 'cancelled' || result === 'lost') return;
    if (outcome === 'suspended') {
      if (retryAt) {
        await store.enqueue(item.key, {
          reason: 'workflow-retry',
          notBefore: retryAt,
        });
      }
    } else if (action === 'configure') {
      await store.enqueue(item.key, {
        reason: 'interval',
        notBefore: new Date(Date.now() + this.intervalOf(promiseStored)),
      });
      if (item.key.kind === 'Promise' && outcome === 'succeeded') {
        if (await wakeDependents(store, item.key.name)) this.wake();
      }
    } else if (item.key.kind === 'Promise' && outcome === 'succeeded') {
      // Its delete workflow ran: now its Resources.
      await store.enqueue(item.key, { reason: 'delete-resources' });
    } else if (outcome === 'failed') {
      const delay = deleteRetryDelay(
        await store.listWorkflowRuns(item.key, { limit: 32 }),
        config.deleteRetryMs,
        config.deleteRetryMaxMs,
      );
      this.options.logger.info(
        `${keyId(item.key)}: delete workflow failed; next attempt in ${
          delay / 1000
        }s`,
      );
      await store.enqueue(item.key, {
        reason: 'delete-retry',
        notBefore: new Date(Date.now() + delay),
      });
    }
  }

  /** The Promise's reconciliationInterval, else the engine's. */
  private intervalOf(promiseStored: StoredObject | undefined): number {
    const fallback = this.options.config.reconcileIntervalMs;
    try {
      return promiseStored
        ? reconciliationIntervalOf(parsePromise(promiseStored.object), fallback)
        : fallback;
    } catch {
      return fallback;
    }
  }

  /**
   * A Resource whose Promise is not available: `PromiseAvailable` False,
   * no workflow. Its Promise wakes it when it becomes available; a late
   * check covers one that did so meanwhile, and the interval a lost wake.
   */
  private async waitForPromise(
    item: WorkItem,
    stored: StoredObject,
    why: { reason: string; message: string },
  ): Promise<void> {
    const { store } = this.options;
    await markWaiting(store, stored, why);
    const promise = await store.getObject(promiseKey(item.key.promise));
    const stillWaiting =
      promise && unavailableBecause(promise.object as KratixPromise);
    await store.complete(item.key, this.owner, item.seq);
    if (stillWaiting) {
      await store.enqueue(item.key, {
        reason: 'interval',
        notBefore: new Date(Date.now() + this.intervalOf(promise)),
      });
    } else if (await endWait(store, item.key)) {
      // Its Promise became available meanwhile, and did not wake it.
      await store.enqueue(item.key, { reason: 'promise-available' });
      this.wake();
    }
  }

  /**
   * A Promise being deleted, as upstream: its Resources' running configure
   * pipelines end, then its delete workflow runs (by the caller: false),
   * then its Resources are deleted and it goes. True when this step
   * handled the queue entry.
   */
  private async promiseDeleteStep(
    item: WorkItem,
    stored: StoredObject,
  ): Promise<boolean> {
    const { store, config } = this.options;
    const later = async () => {
      await store.release(item.key, this.owner, {
        notBefore: new Date(Date.now() + config.pollIntervalMs),
      });
      return true;
    };
    if (!(await deleteWorkflowSucceeded(store, stored))) {
      // A running pipeline ends first (bounded by the runner's timeout).
      const since = Date.parse(stored.object.metadata.deletionTimestamp!);
      const waiting = Date.now() - since < config.runner.timeoutMs;
      if (waiting && (await resourceConfigureRunning(store, item.key.name))) {
        return later();
      }
      return false;
    }
    const { remaining, marked } = await deleteResourcesOf(store, item.key.name);
    // Only new work needs the other workers now.
    if (marked) this.wake();
    if (remaining) return later();
    await this.removeObject(item.key);
    await store.complete(item.key, this.owner, item.seq);
    if (await requeueRequirers(store, item.key.name)) this.wake();
    return true;
  }

  /**
   * `stored` and `promiseStored`: as reconcile just read them; `resumeAt`:
   * the pipeline to start from (a suspended one's retry).
   */
  private async runWorkflow(
    item: WorkItem,
    action: WorkflowAction,
    stored: StoredObject,
    promiseStored: StoredObject | undefined,
    trigger: WorkflowRunTrigger | undefined,
    resumeAt?: string,
  ): Promise<{
    outcome: WorkflowResult['outcome'] | 'interrupted';
    retryAt?: Date;
  }> {
    const { store, config, logger } = this.options;
    // Stopped since the claim: no new run (another replica may lead now).
    const shutdown = this.shutdown.signal;
    if (this.stopped || shutdown.aborted) return { outcome: 'interrupted' };
    if (!promiseStored) {
      logger.warn(`${keyId(item.key)}: its Promise is gone; nothing to run`);
      return { outcome: 'failed' };
    }
    const promise = parsePromise(promiseStored.object);
    const type = item.key.kind === 'Promise' ? 'promise' : 'resource';
    const workflow = { type, action } as const;
    const pipelines = getWorkflowPipelines(promise, workflow);

    const recorder = await WorkflowRunRecorder.start({
      store,
      key: item.key,
      workflow,
      generation: stored.object.metadata.generation ?? 1,
      trigger,
      pipelines: pipelines.map(p => p.name),
    });
    const observed = this.options.metrics?.start({
      promise: item.key.promise,
      type,
      action,
    });
    const controller = new AbortController();
    const superseded = new AbortController();
    const onShutdown = () => controller.abort();
    shutdown.addEventListener('abort', onShutdown);
    if (shutdown.aborted) onShutdown(); // while the run was recorded
    const lease = { lost: false };
    // Stopped past its grace, or its lease lost: the run is no longer this
    // engine's. It writes nothing more (another may run it on already):
    // no status, no end in the run log; it stays open, to resume.
    const disowned = () => shutdown.aborted || lease.lost;
    const watch = setInterval(() => {
      void this.checkLease(item, action, stored, lease, controller, superseded);
    }, Math.min(500, config.leaseMs / 3));
    try {
      const result = await runObjectWorkflow({
        ...this.options,
        key: item.key,
        object: stored.object,
        promise,
        workflow,
        startAt: Math.max(
          recorder.startAt,
          pipelines.findIndex(p => p.name === resumeAt),
        ),
        signal: controller.signal,
        superseded: superseded.signal,
        fenced: disowned,
        onEvent: e => {
          recorder.onEvent(e);
          observed?.onEvent(e);
        },
      });
      if (disowned()) return { outcome: 'interrupted' };
      // A suspended run ends unfinished (so a Promise's suspended delete
      // workflow does not count as done), its pipelines' phases kept.
      const suspended = result.outcome === 'suspended';
      observed?.finish(
        result.outcome === 'suspended' ? 'succeeded' : result.outcome,
      );
      await recorder.finish(
        result.outcome === 'suspended' ? 'cancelled' : result.outcome,
        suspended ? SUSPENDED_RUN_MESSAGE : undefined,
      );
      // A Promise goes after its Resources (promiseDeleteStep).
      const resource = item.key.kind === 'Resource';
      if (action === 'delete' && result.outcome === 'succeeded' && resource) {
        await this.removeObject(item.key);
      }
      return { outcome: result.outcome, retryAt: result.retryAt };
    } catch (e) {
      if (disowned()) return { outcome: 'interrupted' };
      observed?.finish('failed');
      await recorder.finish('failed', String(e));
      throw e;
    } finally {
      clearInterval(watch);
      shutdown.removeEventListener('abort', onShutdown);
    }
  }

  /**
   * Renews the lease; aborts the run when the lease is lost (another
   * engine claimed it: the run is its now). A new spec,
   * or (configure) a delete, supersedes it: as upstream, the running
   * pipeline ends and the workflow stops there (`superseded`); with
   * `cancelOnSupersede`, the run is aborted at once.
   */
  private async checkLease(
    item: WorkItem,
    action: WorkflowAction,
    stored: StoredObject,
    lease: { lost: boolean },
    controller: AbortController,
    superseded: AbortController,
  ): Promise<void> {
    const { store, config } = this.options;
    try {
      const kept = await store.renewLease(item.key, this.owner, config.leaseMs);
      const now = await store.getRevision(item.key);
      const wanted =
        now !== undefined &&
        now.generation === (stored.object.metadata.generation ?? 1) &&
        (action === 'delete' || !now.deleting);
      if (!kept) {
        lease.lost = true;
        controller.abort();
      } else if (!wanted) {
        (config.cancelOnSupersede ? controller : superseded).abort();
      }
    } catch {
      // A failed check is retried on the next tick.
    }
  }

  private async removeObject(key: ObjectKey): Promise<void> {
    const { store, stateStore } = this.options;
    await stateStore.deleteWorkload({ workloadPath: objectWorkloadPath(key) });
    await store.deleteObject(key);
  }
}
