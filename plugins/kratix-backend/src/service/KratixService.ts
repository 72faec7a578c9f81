import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ContainerLog,
  HealthRecord,
  KratixPromise,
  KratixResource,
  PENDING_MESSAGE,
  isPaused,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';
import {
  ParsedPromise,
  checkApiChange,
  parseHealthRecord,
  parsePromise,
  promiseWarnings,
  requirementWarnings,
  validateResource,
} from '../engine';
import { KratixStore } from '../database/KratixStore';
import { ObjectKey, StoredObject } from '../database/ObjectStore';
import { promiseKey, resourceKey, resourceKeysOf } from '../reconciler/keys';
import { requiredPromisesOf } from '../reconciler/promiseAvailability';
import {
  healthTarget,
  refreshResourceHealth,
} from '../reconciler/resourceHealth';
import {
  MANUAL_RECONCILIATION_LABEL,
  RECONCILE_RESOURCES_LABEL,
  hasTrigger,
  removeLabel,
} from '../reconciler/triggers';
import { parseLabelSelector } from './labelSelector';
import {
  Applied,
  ApplyOptions,
  KratixApi,
  alreadyExists,
  APPLY_ATTEMPTS,
  ResourceInput,
  ResourceListFilter,
} from './KratixApi';
import { decodeContinue, encodeContinue } from './resourcePages';
import { annotationsToWrite, Requester } from './requestedBy';

/**
 * The engine's operations: what the REST API, the scaffolder actions and
 * the seed files call. Callers authorize first; this enforces the rules.
 */
export class KratixService implements KratixApi {
  constructor(
    private readonly options: {
      store: KratixStore;
      /** Called after work was enqueued. */
      wake(): void;
      /**
       * `kratix.runner.process.images` when pipelines run as local
       * processes: apply then warns of the fields they cannot honour.
       */
      processRunnerImages?: Record<string, string[]>;
    },
  ) {}

  private get store() {
    return this.options.store;
  }

  async listPromises(): Promise<KratixPromise[]> {
    const all = await this.store.listObjects({ kind: 'Promise' });
    return all.map(p => p.object as KratixPromise);
  }

  async getPromise(name: string): Promise<KratixPromise> {
    return (await this.storedPromise(name)).object as KratixPromise;
  }

  async applyPromise(
    document: unknown,
    expectedName?: string,
  ): Promise<Applied<KratixPromise>> {
    const parsed = parsePromise(document as object);
    if (expectedName !== undefined && parsed.name !== expectedName) {
      throw new InputError(
        `Promise metadata.name '${parsed.name}' does not match the URL's '${expectedName}'`,
      );
    }
    const key = promiseKey(parsed.name);
    const { metadata, spec } = parsed.promise;
    const existing = await this.store.getObject(key);
    if (existing) checkApiChange(parsePromise(existing.object), parsed);
    const warnings = [
      ...promiseWarnings(parsed, this.options.processRunnerImages),
      ...(await this.requirementWarnings(parsed)),
    ];
    if (!existing) {
      const stored = await this.store.createObject(key, {
        apiVersion: parsed.promise.apiVersion,
        kind: 'Promise',
        labels: metadata.labels,
        annotations: metadata.annotations,
        spec,
        status: { message: PENDING_MESSAGE },
      });
      await this.enqueue(key, 'created');
      const created = await this.reconcileResourcesOnce(stored, false);
      return {
        object: created.object as KratixPromise,
        created: true,
        warnings,
      };
    }
    this.refuseWhileDeleting(existing);
    // A whole document: labels and annotations it leaves out are removed.
    const stored = await this.store.updateObject(key, {
      resourceVersion: metadata.resourceVersion,
      labels: metadata.labels ?? {},
      annotations: metadata.annotations ?? {},
      spec,
    });
    const pauseChanged = pausedChanged(existing, stored);
    const changed = stored.specHash !== existing.specHash || pauseChanged;
    if (changed || hasTrigger(stored, MANUAL_RECONCILIATION_LABEL)) {
      await this.enqueue(key, updateReason(existing, stored));
    }
    const saved = await this.reconcileResourcesOnce(stored, changed);
    return { object: saved.object as KratixPromise, created: false, warnings };
  }

  /** As upstream's webhook: required Promises missing, with a warning. */
  private async requirementWarnings(parsed: ParsedPromise): Promise<string[]> {
    return requirementWarnings(
      parsed.requiredPromises,
      await requiredPromisesOf(this.store, parsed),
    );
  }

  /**
   * Runs the Promise's Resources again when it changed or carries
   * `kratix.io/reconcile-resources: "true"`; removes that label after.
   */
  private async reconcileResourcesOnce(
    promise: StoredObject,
    changed: boolean,
  ): Promise<StoredObject> {
    const requested = hasTrigger(promise, RECONCILE_RESOURCES_LABEL);
    if (!changed && !requested) return promise;
    const reason = changed ? 'promise-changed' : 'reconcile-resources';
    for (const r of await resourceKeysOf(this.store, promise.key.name)) {
      await this.enqueue(r, reason);
    }
    return requested
      ? removeLabel(this.store, promise, RECONCILE_RESOURCES_LABEL)
      : promise;
  }

  async deletePromise(name: string): Promise<void> {
    await this.markDeleted(await this.storedPromise(name));
  }

  /**
   * The Promise's Resources matching the filter, in (namespace, name)
   * order. With `limit`, a page: `continue` is there when more match, and
   * is given back to get the next page.
   */
  async listResources(
    promise: string,
    filter: ResourceListFilter = {},
  ): Promise<{ items: KratixResource[]; continue?: string }> {
    const matches = filter.labelSelector
      ? parseLabelSelector(filter.labelSelector)
      : () => true;
    await this.storedPromise(promise);
    const { limit } = filter;
    let after = filter.continue
      ? { promise, ...decodeContinue(filter.continue) }
      : undefined;
    const items: KratixResource[] = [];
    // One match past the limit tells whether another page exists.
    const wanted = limit === undefined ? Infinity : limit + 1;
    const batch = limit === undefined ? undefined : Math.max(limit + 1, 100);
    for (;;) {
      const rows = await this.store.listObjects({
        kind: 'Resource',
        promise,
        namespace: filter.namespace,
        limit: batch,
        after,
      });
      for (const row of rows) {
        const r = row.object as KratixResource;
        if (matches(r.metadata.labels ?? {}) && (filter.visible?.(r) ?? true)) {
          items.push(r);
        }
        if (items.length === wanted) break;
      }
      const last = rows.at(-1);
      if (items.length === wanted || !batch || rows.length < batch || !last) {
        break;
      }
      after = { ...last.key };
    }
    if (items.length <= (limit ?? Infinity)) return { items };
    const page = items.slice(0, limit);
    const { namespace, name } = page.at(-1)!.metadata;
    return {
      items: page,
      continue: encodeContinue({ namespace: namespace!, name }),
    };
  }

  async getResource(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<KratixResource> {
    // Concurrent GETs share one query; a miss says what is missing.
    const stored =
      (await this.store.loadObject(resourceKey(promise, namespace, name))) ??
      (await this.storedResource(promise, namespace, name));
    return stored.object as KratixResource;
  }

  /** Validates and creates or updates a Resource; `dryRun` only validates. */
  async applyResource(
    promise: string,
    namespace: string,
    name: string,
    input: ResourceInput,
    options: ApplyOptions = {},
  ): Promise<Applied<KratixResource>> {
    const stored = await this.storedPromise(promise);
    this.refuseWhileDeleting(stored);
    const parsed = parsePromise(stored.object);
    const meta = input.metadata ?? {};
    for (const [field, want] of [
      ['name', name],
      ['namespace', namespace],
    ] as const) {
      if (meta[field] !== undefined && meta[field] !== want) {
        throw new InputError(
          `Resource metadata.${field} '${meta[field]}' does not match the URL's '${want}'`,
        );
      }
    }
    const { apiVersion, kind } = expectedType(parsed);
    const spec = validateResource(parsed, {
      apiVersion: input.apiVersion ?? apiVersion,
      kind: input.kind ?? kind,
      metadata: { name, namespace },
      spec: input.spec,
    });
    const key = resourceKey(promise, namespace, name);
    for (let attempt = 1; ; attempt++) {
      const existing = await this.store.getObject(key);
      if (existing && options.createOnly) throw alreadyExists(promise, key);
      if (existing) {
        await options.mayUpdate?.(existing.object as KratixResource);
      }
      if (options.dryRun) {
        const preview = {
          apiVersion,
          kind,
          metadata: { ...existing?.object.metadata, name, namespace },
          spec,
          status: existing?.object.status,
        };
        return { object: preview as KratixResource, created: !existing };
      }
      if (existing) this.refuseWhileDeleting(existing);
      const written = await this.writeResource(key, existing, {
        apiVersion,
        kind,
        meta,
        spec,
        requester: options.requester,
      }).catch(error => {
        // Created or changed since it was read (and checked): again, unless
        // the caller named the version it expected.
        const again =
          error instanceof ConflictError &&
          attempt < APPLY_ATTEMPTS &&
          !(existing && meta.resourceVersion);
        if (again) return undefined;
        throw error;
      });
      if (written) return written;
    }
  }

  /** Creates the Resource, or updates the version that was read. */
  private async writeResource(
    key: ObjectKey,
    existing: StoredObject | undefined,
    input: {
      apiVersion: string;
      kind: string;
      meta: NonNullable<ResourceInput['metadata']>;
      spec: Record<string, unknown>;
      requester?: Requester;
    },
  ): Promise<Applied<KratixResource>> {
    const { meta, requester } = input;
    if (!existing) {
      const created = await this.store.createObject(key, {
        apiVersion: input.apiVersion,
        kind: input.kind,
        labels: meta.labels,
        annotations: annotationsToWrite(
          meta.annotations,
          undefined,
          requester,
          false,
        ),
        spec: input.spec,
        status: { message: PENDING_MESSAGE },
      });
      await this.enqueue(key, 'created');
      return { object: created.object as KratixResource, created: true };
    }
    const updated = await this.store.updateObject(key, {
      resourceVersion:
        meta.resourceVersion ?? existing.object.metadata.resourceVersion,
      // The object that was read (and checked), not one made since.
      uid: existing.object.metadata.uid,
      labels: meta.labels ?? existing.object.metadata.labels,
      annotations: annotationsToWrite(
        meta.annotations,
        existing.object.metadata.annotations,
        requester,
        true,
      ),
      spec: input.spec,
    });
    if (
      updated.specHash !== existing.specHash ||
      pausedChanged(existing, updated) ||
      hasTrigger(updated, MANUAL_RECONCILIATION_LABEL)
    ) {
      await this.enqueue(key, updateReason(existing, updated));
    }
    return { object: updated.object as KratixResource, created: false };
  }

  async deleteResource(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<void> {
    await this.markDeleted(await this.storedResource(promise, namespace, name));
  }

  async reconcile(key: ObjectKey): Promise<void> {
    if (key.kind === 'Promise') await this.storedPromise(key.name);
    else await this.storedResource(key.promise, key.namespace, key.name);
    await this.enqueue(key, 'manual');
  }

  async listRuns(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<WorkflowRun[]> {
    const { key } = await this.storedResource(promise, namespace, name);
    const runs = await this.store.listWorkflowRuns(key, { limit: 50 });
    return runs.map(({ key: _key, ...run }) => run);
  }

  async getLogs(
    promise: string,
    namespace: string,
    name: string,
    runId: string,
  ): Promise<ContainerLog[]> {
    const { key } = await this.storedResource(promise, namespace, name);
    const run = await this.store.getWorkflowRun(runId);
    if (!run || !sameKey(run.key, key)) {
      throw new NotFoundError(
        `Workflow run '${runId}' of Resource ${namespace}/${name} not found`,
      );
    }
    return this.store.getLogs(runId);
  }

  async getHealthRecord(
    namespace: string,
    name: string,
  ): Promise<HealthRecord> {
    const record = await this.store.getHealthRecord(namespace, name);
    if (!record) {
      throw new NotFoundError(`HealthRecord ${namespace}/${name} not found`);
    }
    return record;
  }

  /** Saves a HealthRecord and applies it to its Resource's status at once. */
  async putHealthRecord(
    namespace: string,
    name: string,
    document: unknown,
  ): Promise<Applied<HealthRecord>> {
    const record = parseHealthRecord(document as object);
    const meta = record.metadata;
    if (meta.name !== name || (meta.namespace ?? namespace) !== namespace) {
      throw new InputError(
        `HealthRecord metadata '${meta.namespace ?? namespace}/${
          meta.name
        }' does not match the URL's '${namespace}/${name}'`,
      );
    }
    const normalized = { ...record, metadata: { name, namespace } };
    const target = healthTarget(normalized);
    await this.storedResource(target.promise, target.namespace, target.name);
    const previous = await this.store.getHealthRecord(namespace, name);
    const { created } = await this.store.putHealthRecord(normalized);
    await this.refreshHealth(target);
    if (previous && !sameKey(healthTarget(previous), target)) {
      await this.refreshHealth(healthTarget(previous)).catch(() => undefined);
    }
    return { object: normalized, created };
  }

  async deleteHealthRecord(namespace: string, name: string): Promise<void> {
    const record = await this.getHealthRecord(namespace, name);
    await this.store.deleteHealthRecord(namespace, name);
    await this.refreshHealth(healthTarget(record)).catch(e => {
      if (!(e instanceof NotFoundError)) throw e;
    });
  }

  /** Re-derives `healthRecord`/`healthStatus` from the records; CAS with retry. */
  private async refreshHealth(key: ObjectKey): Promise<void> {
    await this.storedResource(key.promise, key.namespace, key.name);
    await refreshResourceHealth(this.store, key);
  }

  private async storedPromise(name: string): Promise<StoredObject> {
    const stored = await this.store.getObject(promiseKey(name));
    if (!stored) throw new NotFoundError(`Promise '${name}' not found`);
    return stored;
  }

  private async storedResource(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<StoredObject> {
    const stored = await this.store.getObject(
      resourceKey(promise, namespace, name),
    );
    if (stored) return stored;
    // Resources go before their Promise: only a miss needs to know which.
    await this.storedPromise(promise);
    throw new NotFoundError(
      `Resource ${namespace}/${name} of Promise '${promise}' not found`,
    );
  }

  private refuseWhileDeleting(stored: StoredObject): void {
    if (stored.object.metadata.deletionTimestamp) {
      throw new ConflictError(
        `${stored.key.kind} '${stored.key.name}' is being deleted`,
      );
    }
  }

  private async markDeleted(stored: StoredObject): Promise<void> {
    if (!stored.object.metadata.deletionTimestamp) {
      await this.store.updateObject(stored.key, {
        deletionTimestamp: new Date().toISOString(),
      });
    }
    await this.enqueue(stored.key, 'deleted');
  }

  private async enqueue(key: ObjectKey, reason: string): Promise<void> {
    await this.store.enqueue(key, { reason });
    this.options.wake();
  }
}

function expectedType(promise: ParsedPromise) {
  const api = promise.api;
  if (!api) {
    throw new InputError(
      `Promise '${promise.name}' has no spec.api, so it offers no Resources`,
    );
  }
  return { apiVersion: `${api.group}/${api.version}`, kind: api.kind };
}

function sameKey(a: ObjectKey, b: ObjectKey): boolean {
  return (
    a.kind === b.kind &&
    a.promise === b.promise &&
    a.namespace === b.namespace &&
    a.name === b.name
  );
}

/** Why an update needs a workflow: its spec, pause label or a trigger. */
function updateReason(before: StoredObject, after: StoredObject): string {
  if (after.specHash !== before.specHash) return 'spec-changed';
  return pausedChanged(before, after) ? 'pause-changed' : 'manual';
}

/** Whether an update set or removed the `kratix.io/paused` label. */
function pausedChanged(before: StoredObject, after: StoredObject): boolean {
  return (
    isPaused(before.object.metadata.labels) !==
    isPaused(after.object.metadata.labels)
  );
}
