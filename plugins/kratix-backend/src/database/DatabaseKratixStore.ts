// The engine's four stores on Backstage's database service: SQLite or
// Postgres. One class, as they share one database client and schema.
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  ContainerLog,
  HealthRecord,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import { Knex } from 'knex';
import { ChangeFeed } from './changeFeed';
import { StoreContext } from './context';
import * as health from './healthRecords';
import {
  ClaimOptions,
  CompleteResult,
  ReleaseOptions,
  WorkItem,
  WorkQueue,
} from './WorkQueue';
import {
  ListObjectsOptions,
  NewObject,
  ObjectChange,
  ObjectKey,
  ObjectRevision,
  ObjectStore,
  ObjectUpdate,
  StoredObject,
} from './ObjectStore';
import {
  NewWorkflowRun,
  PipelineRunUpdate,
  PipelineRunUpdates,
  RunLog,
  StoredWorkflowRun,
  WorkflowRunFinish,
} from './RunLog';
import { HealthRecordStore, ResourceRef } from './HealthRecordStore';
import * as logs from './logs';
import { getMigratedClient } from './migrations';
import { ObjectLoader } from './objectLoader';
import * as objects from './objects';
import * as queue from './queue';
import * as runs from './runs';
import * as placements from './workPlacements';
import { WorkPlacementStore } from './WorkPlacementStore';
import { WorkPlacement } from '../engine';

export interface DatabaseKratixStoreOptions {
  /** Bytes kept per container log; default 1 MiB. */
  maxLogBytes?: number;
  /** The clock, for tests; default Date.now. */
  now?: () => number;
  /**
   * Reconcile mode: the cluster whose work queue, workflow runs and Work
   * placements this store keeps (each cluster's apart); default ''.
   */
  cluster?: string;
}

const DEFAULT_MAX_LOG_BYTES = 1024 * 1024;

export class DatabaseKratixStore
  implements
    ObjectStore,
    WorkQueue,
    RunLog,
    HealthRecordStore,
    WorkPlacementStore
{
  /** Migrates the plugin's database (unless skipped) and opens the store. */
  static async create(
    database: DatabaseService,
    options?: DatabaseKratixStoreOptions,
  ): Promise<DatabaseKratixStore> {
    return new DatabaseKratixStore(await getMigratedClient(database), options);
  }

  private readonly ctx: StoreContext;
  private readonly loader = new ObjectLoader(keys => this.getObjects(keys));
  private readonly changes = new ChangeFeed<ObjectChange>();

  /** On an already migrated database. */
  constructor(db: Knex, options?: DatabaseKratixStoreOptions) {
    this.ctx = {
      db,
      now: options?.now ?? Date.now,
      maxLogBytes: options?.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES,
      cluster: options?.cluster ?? '',
    };
  }

  onChange(
    listener: (change: ObjectChange) => void | Promise<void>,
  ): () => void {
    return this.changes.subscribe(listener);
  }

  /** Tells the listeners what a write left, then returns it. */
  private async changed(
    key: ObjectKey,
    write: Promise<StoredObject>,
  ): Promise<StoredObject> {
    const stored = await write;
    await this.changes.emit({ key, stored });
    return stored;
  }

  getObject(key: ObjectKey): Promise<StoredObject | undefined> {
    return objects.getObject(this.ctx, key);
  }

  getRevision(key: ObjectKey): Promise<ObjectRevision | undefined> {
    return objects.getRevision(this.ctx, key);
  }

  getObjects(keys: ObjectKey[]): Promise<Array<StoredObject | undefined>> {
    return objects.getObjects(this.ctx, keys);
  }

  loadObject(key: ObjectKey): Promise<StoredObject | undefined> {
    return this.loader.load(key);
  }

  listObjects(options: ListObjectsOptions): Promise<StoredObject[]> {
    return objects.listObjects(this.ctx, options);
  }

  createObject(key: ObjectKey, object: NewObject): Promise<StoredObject> {
    return this.changed(key, objects.createObject(this.ctx, key, object));
  }

  updateObject(key: ObjectKey, update: ObjectUpdate): Promise<StoredObject> {
    return this.changed(key, objects.updateObject(this.ctx, key, update));
  }

  updateStatus(
    key: ObjectKey,
    status: KratixStatus,
    expectedResourceVersion?: string,
  ): Promise<StoredObject> {
    return this.changed(
      key,
      objects.updateStatus(this.ctx, key, status, expectedResourceVersion),
    );
  }

  async deleteObject(key: ObjectKey): Promise<boolean> {
    const deleted = await objects.deleteObject(this.ctx, key);
    if (deleted) await this.changes.emit({ key });
    return deleted;
  }

  listWorkPlacements(key: ObjectKey): Promise<WorkPlacement[]> {
    return placements.listWorkPlacements(this.ctx, key);
  }

  replaceWorkPlacements(
    key: ObjectKey,
    pipeline: string,
    list: WorkPlacement[],
  ): Promise<void> {
    return placements.replaceWorkPlacements(this.ctx, key, pipeline, list);
  }

  putHealthRecord(record: HealthRecord): Promise<{ created: boolean }> {
    return health.putHealthRecord(this.ctx, record);
  }

  getHealthRecord(
    namespace: string,
    name: string,
  ): Promise<HealthRecord | undefined> {
    return health.getHealthRecord(this.ctx, namespace, name);
  }

  deleteHealthRecord(namespace: string, name: string): Promise<boolean> {
    return health.deleteHealthRecord(this.ctx, namespace, name);
  }

  listHealthRecordsForResource(ref: ResourceRef): Promise<HealthRecord[]> {
    return health.listHealthRecordsForResource(this.ctx, ref);
  }

  createWorkflowRun(run: NewWorkflowRun): Promise<string> {
    return runs.createWorkflowRun(this.ctx, run);
  }

  updatePipelineRun(
    runId: string,
    pipelineIndex: number,
    update: PipelineRunUpdate,
  ): Promise<void> {
    return runs.updatePipelineRun(this.ctx, runId, pipelineIndex, update);
  }

  updatePipelineRuns(
    runId: string,
    updates: PipelineRunUpdates,
  ): Promise<void> {
    return runs.updatePipelineRuns(this.ctx, runId, updates);
  }

  finishWorkflowRun(runId: string, finish: WorkflowRunFinish): Promise<void> {
    return runs.finishWorkflowRun(this.ctx, runId, finish);
  }

  getWorkflowRun(runId: string): Promise<StoredWorkflowRun | undefined> {
    return runs.getWorkflowRun(this.ctx, runId);
  }

  listWorkflowRuns(
    key: ObjectKey,
    options?: { limit?: number },
  ): Promise<StoredWorkflowRun[]> {
    return runs.listWorkflowRuns(this.ctx, key, options);
  }

  findInterruptedRun(key: ObjectKey): Promise<StoredWorkflowRun | undefined> {
    return runs.findInterruptedRun(this.ctx, key);
  }

  appendLog(
    runId: string,
    pipeline: string,
    container: string,
    chunk: string,
  ): Promise<void> {
    return logs.appendLog(this.ctx, runId, pipeline, container, chunk);
  }

  getLogs(runId: string): Promise<ContainerLog[]> {
    return logs.getLogs(this.ctx, runId);
  }

  enqueue(
    key: ObjectKey,
    options: { reason: string; notBefore?: Date },
  ): Promise<void> {
    return queue.enqueue(this.ctx, key, options);
  }

  claimNext(options: ClaimOptions): Promise<WorkItem | undefined> {
    return queue.claimNext(this.ctx, options);
  }

  renewLease(key: ObjectKey, owner: string, leaseMs: number): Promise<boolean> {
    return queue.renewLease(this.ctx, key, owner, leaseMs);
  }

  complete(
    key: ObjectKey,
    owner: string,
    seq: number,
  ): Promise<CompleteResult> {
    return queue.complete(this.ctx, key, owner, seq);
  }

  release(
    key: ObjectKey,
    owner: string,
    options?: ReleaseOptions,
  ): Promise<boolean> {
    return queue.release(this.ctx, key, owner, options);
  }

  isSuperseded(key: ObjectKey, seq: number): Promise<boolean> {
    return queue.isSuperseded(this.ctx, key, seq);
  }

  nextDueAt(): Promise<Date | undefined> {
    return queue.nextDueAt(this.ctx);
  }

  countClaimable(): Promise<number> {
    return queue.countClaimable(this.ctx);
  }
}
