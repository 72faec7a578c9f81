// The objects of the engine: Promises and Resources, versioned. Writes are
// compare-and-swap, safe with several backends on one database.
import {
  KratixPromise,
  KratixResource,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';

/** Identifies a Promise (promise = name, namespace = '') or a Resource. */
export interface ObjectKey {
  kind: 'Promise' | 'Resource';
  /** Kubernetes mode: the cluster that holds it. */
  cluster?: string;
  promise: string;
  namespace: string;
  name: string;
}

export interface StoredObject {
  key: ObjectKey;
  /** metadata has name, namespace (Resources), uid, generation, resourceVersion, labels, annotations, creationTimestamp, deletionTimestamp? */
  object: KratixResource | KratixPromise;
  /** Stable hash of `spec`. */
  specHash: string;
}

export interface NewObject {
  apiVersion: string;
  kind: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec: Record<string, unknown>;
  status: KratixStatus;
}

export interface ObjectUpdate {
  /** Expected resourceVersion: when stale the update fails with a ConflictError. */
  resourceVersion?: string;
  /**
   * Expected uid: an object deleted and created again under the same key
   * (its resourceVersion starts again) fails with a ConflictError.
   */
  uid?: string;
  apiVersion?: string;
  kind?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: KratixStatus;
  /** ISO 8601; null clears it. */
  deletionTimestamp?: string | null;
}

export interface ListObjectsOptions {
  kind: ObjectKey['kind'];
  promise?: string;
  namespace?: string;
  limit?: number;
  /** Only objects after this one, in list order (keyset paging). */
  after?: { promise: string; namespace: string; name: string };
}

/** What a running workflow checks to see whether it is still wanted. */
export interface ObjectRevision {
  generation: number;
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
}

/** A write to an object: the object after it, or its deletion. */
export interface ObjectChange {
  key: ObjectKey;
  /** Absent when the object was deleted. */
  stored?: StoredObject;
}

export interface ObjectStore {
  /**
   * Calls `listener` after each successful write of this store (create,
   * update, status, delete), before the write returns; a failing listener
   * never fails the write. Returns the unsubscribe.
   */
  onChange(
    listener: (change: ObjectChange) => void | Promise<void>,
  ): () => void;
  // Objects
  getObject(key: ObjectKey): Promise<StoredObject | undefined>;
  /** Generation and deletion mark alone, without reading the object. */
  getRevision(key: ObjectKey): Promise<ObjectRevision | undefined>;
  /** In the order of `keys`; undefined for the missing. */
  getObjects(keys: ObjectKey[]): Promise<Array<StoredObject | undefined>>;
  /**
   * As getObject, read with the other loads of the same turn of the event
   * loop in one query: for many concurrent readers (the API's GETs).
   */
  loadObject(key: ObjectKey): Promise<StoredObject | undefined>;
  /** Ordered by promise, namespace, name. */
  listObjects(options: ListObjectsOptions): Promise<StoredObject[]>;
  /** generation 1, resourceVersion '1'; ConflictError if it exists. */
  createObject(key: ObjectKey, object: NewObject): Promise<StoredObject>;
  /**
   * generation +1 when the spec changes; resourceVersion +1 on every write.
   * NotFoundError if missing; ConflictError if `resourceVersion` is stale.
   */
  updateObject(key: ObjectKey, update: ObjectUpdate): Promise<StoredObject>;
  updateStatus(
    key: ObjectKey,
    status: KratixStatus,
    expectedResourceVersion?: string,
  ): Promise<StoredObject>;
  /** Also removes the object's workflow runs and logs. */
  deleteObject(key: ObjectKey): Promise<boolean>;
}
