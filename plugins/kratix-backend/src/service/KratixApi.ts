// What the REST API, the scaffolder actions and the seed files call: the
// embedded engine (KratixService) or a cluster (ClusterKratixService).
// Callers authorize first; implementations enforce the rules.
import { ConflictError } from '@backstage/errors';
import {
  ContainerLog,
  HealthRecord,
  KratixPromise,
  KratixResource,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';
import { Requester } from './requestedBy';

/** What a client sends to create or update a Resource. */
export interface ResourceInput {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
  };
  spec?: unknown;
}

export interface Applied<T> {
  object: T;
  created: boolean;
  /** Accepted, with these warnings (e.g. fields the runner cannot honour). */
  warnings?: string[];
}

export interface ApplyOptions {
  /** Validate only; change nothing. */
  dryRun?: boolean;
  /** Create it, or fail with a ConflictError if it exists. */
  createOnly?: boolean;
  /**
   * The API's caller: then `kratix.io/requested-by` is the backend's to
   * set (see requestedBy.ts), whatever the body says.
   */
  requester?: Requester;
  /**
   * Throws unless the caller may change the Resource as it is stored:
   * called with the stored Resource before an apply updates it (also when
   * a create finds it there), and again if it changed meanwhile.
   */
  mayUpdate?(stored: KratixResource): Promise<void>;
}

/** How often an apply retries when the Resource changed under it. */
export const APPLY_ATTEMPTS = 5;

/** The refusal of a create-only request for a Resource that exists. */
export function alreadyExists(promise: string, key: ResourceKey): Error {
  return new ConflictError(
    `Resource '${key.namespace}/${key.name}' of Promise '${promise}' already exists`,
  );
}

export interface ResourceListFilter {
  namespace?: string;
  labelSelector?: string;
  limit?: number;
  /** From the previous page's `continue`. */
  continue?: string;
  /**
   * Only the Resources the caller may see (a policy's conditions), tested
   * before the list is cut into pages.
   */
  visible?: (resource: KratixResource) => boolean;
}

/** A Resource of a Promise. */
export interface ResourceKey {
  promise: string;
  namespace: string;
  name: string;
}

export interface KratixApi {
  listPromises(): Promise<KratixPromise[]>;
  getPromise(name: string): Promise<KratixPromise>;
  applyPromise(
    document: unknown,
    expectedName?: string,
  ): Promise<Applied<KratixPromise>>;
  deletePromise(name: string): Promise<void>;
  /** Ordered by namespace and name; paged with `limit` and `continue`. */
  listResources(
    promise: string,
    filter?: ResourceListFilter,
  ): Promise<{ items: KratixResource[]; continue?: string }>;
  getResource(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<KratixResource>;
  applyResource(
    promise: string,
    namespace: string,
    name: string,
    input: ResourceInput,
    options?: ApplyOptions,
  ): Promise<Applied<KratixResource>>;
  deleteResource(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<void>;
  /** Runs the Resource's configure workflow again. */
  reconcile(key: ResourceKey): Promise<void>;
  /** Newest first. */
  listRuns(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<WorkflowRun[]>;
  getLogs(
    promise: string,
    namespace: string,
    name: string,
    runId: string,
  ): Promise<ContainerLog[]>;
  getHealthRecord(namespace: string, name: string): Promise<HealthRecord>;
  putHealthRecord(
    namespace: string,
    name: string,
    document: unknown,
  ): Promise<Applied<HealthRecord>>;
  deleteHealthRecord(namespace: string, name: string): Promise<void>;
}
