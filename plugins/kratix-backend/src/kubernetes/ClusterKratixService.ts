// The REST API's operations on one cluster where upstream Kratix
// reconciles: reads from the watch cache, writes to the API server with the
// plugin's credentials (the router has authorized the caller first).
import { readPodLog } from './podLog';
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObject,
  PatchStrategy,
  V1Job,
  V1Pod,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ContainerLog,
  HealthRecord,
  KratixPromise,
  KratixResource,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';
import { parseHealthRecord } from '../engine';
import {
  alreadyExists,
  Applied,
  APPLY_ATTEMPTS,
  ApplyOptions,
  KratixApi,
  ResourceInput,
  ResourceKey,
  ResourceListFilter,
} from '../service/KratixApi';
import { pageOf } from '../service/resourcePages';
import { annotationsToWrite } from '../service/requestedBy';
import { ClusterCache } from './ClusterCache';
import { clusterError, onCluster } from './clusterErrors';
import { HealthRecordApi } from './healthRecordApi';
import { isJobOf, jobSelector, jobsOfRun, podsOf } from './pipelineJobs';
import {
  isBarePod,
  loggedContainers,
  pipelineOrderOf,
  podRunsOf,
  workflowRunsOnCluster,
} from './pipelinePods';

const KRATIX = { group: 'platform.kratix.io', version: 'v1alpha1' };
const MANUAL_RECONCILIATION = 'kratix.io/manual-reconciliation';
/** Log kept per container, as the embedded engine keeps. */
const LOG_LIMIT_BYTES = 1024 * 1024;

const byName = (a: KubernetesObject, b: KubernetesObject) =>
  (a.metadata?.namespace ?? '').localeCompare(b.metadata?.namespace ?? '') ||
  (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');

export class ClusterKratixService implements KratixApi {
  private readonly custom: CustomObjectsApi;
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly healthRecords: HealthRecordApi;

  constructor(private readonly cache: ClusterCache) {
    const kc = cache.cluster.kubeConfig;
    this.healthRecords = new HealthRecordApi(cache.cluster);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.batch = kc.makeApiClient(BatchV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  private get name() {
    return this.cache.cluster.name;
  }

  /** Throws while the cluster's cache cannot answer. */
  private reachable() {
    const why = this.cache.unavailable;
    if (why) {
      throw new ServiceUnavailableError(
        `cluster ${this.name} unreachable: ${why}`,
      );
    }
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    return onCluster(this.name, work);
  }

  async listPromises(): Promise<KratixPromise[]> {
    this.reachable();
    return [...this.cache.promises()].sort(byName as any);
  }

  async getPromise(name: string): Promise<KratixPromise> {
    this.reachable();
    const promise = this.cache.promise(name);
    if (!promise) {
      throw new NotFoundError(
        `Promise '${name}' not found on cluster ${this.name}`,
      );
    }
    return promise;
  }

  async applyPromise(
    document: unknown,
    expectedName?: string,
  ): Promise<Applied<KratixPromise>> {
    const doc = document as KratixPromise;
    const name = doc?.metadata?.name ?? expectedName;
    if (!name || (expectedName && name !== expectedName)) {
      throw new InputError(
        `metadata.name '${doc?.metadata?.name}' does not match the path's Promise '${expectedName}'`,
      );
    }
    const body = { ...doc, metadata: { ...doc.metadata, name } };
    const existing = this.cache.promise(name);
    const object = await this.call(() =>
      existing
        ? this.custom.replaceClusterCustomObject({
            ...KRATIX,
            plural: 'promises',
            name,
            body: {
              ...body,
              metadata: {
                ...body.metadata,
                resourceVersion:
                  body.metadata.resourceVersion ??
                  existing.metadata.resourceVersion,
              },
            },
          })
        : this.custom.createClusterCustomObject({
            ...KRATIX,
            plural: 'promises',
            body,
          }),
    );
    return { object: object as KratixPromise, created: !existing };
  }

  async deletePromise(name: string): Promise<void> {
    await this.call(() =>
      this.custom.deleteClusterCustomObject({
        ...KRATIX,
        plural: 'promises',
        name,
      }),
    );
  }

  /** The API of an installed Promise, whose Resources are listed. */
  private api(promise: string) {
    this.reachable();
    if (!this.cache.promise(promise)) {
      throw new NotFoundError(
        `Promise '${promise}' not found on cluster ${this.name}`,
      );
    }
    const api = this.cache.api(promise);
    if (!api) {
      throw new NotFoundError(
        `Promise '${promise}' offers no API on cluster ${this.name}`,
      );
    }
    return api;
  }

  /** Reads the cache for an installed Promise; 503 when it cannot. */
  private fromCache<T>(promise: string, read: () => T | string): T {
    this.api(promise);
    const found = read();
    if (typeof found === 'string') {
      throw new ServiceUnavailableError(
        `cluster ${this.name}: Promise '${promise}': ${found}`,
      );
    }
    return found;
  }

  private resources(promise: string): KratixResource[] {
    return this.fromCache(promise, () => this.cache.resources(promise));
  }

  private resource(promise: string, namespace: string, name: string) {
    return this.fromCache(promise, () =>
      this.cache.resource(promise, namespace, name),
    );
  }

  async listResources(
    promise: string,
    filter: ResourceListFilter = {},
  ): Promise<{ items: KratixResource[]; continue?: string }> {
    return pageOf([...this.resources(promise)].sort(byName as any), filter);
  }

  async getResource(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<KratixResource> {
    const found = this.resource(promise, namespace, name);
    if (!found) {
      throw new NotFoundError(
        `Resource '${namespace}/${name}' of Promise '${promise}' not found on cluster ${this.name}`,
      );
    }
    return found;
  }

  async applyResource(
    promise: string,
    namespace: string,
    name: string,
    input: ResourceInput,
    options: ApplyOptions = {},
  ): Promise<Applied<KratixResource>> {
    const api = this.api(promise);
    const where = {
      group: api.group,
      version: api.version,
      plural: api.plural,
      namespace,
    };
    const dryRun = options.dryRun ? 'All' : undefined;
    const write = (existing?: KratixResource) => {
      const body = {
        apiVersion: `${api.group}/${api.version}`,
        kind: api.kind,
        metadata: {
          ...existing?.metadata,
          name,
          namespace,
          labels: input.metadata?.labels ?? existing?.metadata.labels,
          annotations: annotationsToWrite(
            input.metadata?.annotations,
            existing?.metadata.annotations,
            options.requester,
            Boolean(existing),
          ),
          resourceVersion:
            input.metadata?.resourceVersion ??
            existing?.metadata.resourceVersion,
        },
        spec: input.spec ?? {},
      };
      return existing
        ? this.custom.replaceNamespacedCustomObject({
            ...where,
            name,
            body,
            dryRun,
          })
        : this.custom.createNamespacedCustomObject({ ...where, body, dryRun });
    };
    // The watch cache's copy first; the API server's when it is stale.
    let existing = this.resource(promise, namespace, name);
    if (existing && options.createOnly) {
      throw alreadyExists(promise, { promise, namespace, name });
    }
    for (let attempt = 1; ; attempt++) {
      if (existing) await options.mayUpdate?.(existing);
      // Create-only: the API server refuses one that exists (409). An
      // update is of the version that was checked (409 when stale).
      const over = options.createOnly ? undefined : existing;
      try {
        const object = await this.call(() => write(over));
        return { object: object as KratixResource, created: !over };
      } catch (error) {
        // Created or changed since it was read (and checked): read it from
        // the API server and try again, unless the caller named the
        // version it expected.
        const again =
          error instanceof ConflictError &&
          !options.createOnly &&
          attempt < APPLY_ATTEMPTS &&
          !(existing && input.metadata?.resourceVersion);
        if (!again) throw error;
        existing = await this.fetchResource(where, name);
      }
    }
  }

  /** The Resource as the API server has it now; undefined when missing. */
  private async fetchResource(
    where: {
      group: string;
      version: string;
      plural: string;
      namespace: string;
    },
    name: string,
  ): Promise<KratixResource | undefined> {
    try {
      return (await this.call(() =>
        this.custom.getNamespacedCustomObject({ ...where, name }),
      )) as KratixResource;
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async deleteResource(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<void> {
    const api = this.api(promise);
    await this.call(() =>
      this.custom.deleteNamespacedCustomObject({
        group: api.group,
        version: api.version,
        plural: api.plural,
        namespace,
        name,
      }),
    );
  }

  /** As upstream: the label `kratix.io/manual-reconciliation: "true"`. */
  async reconcile(key: ResourceKey): Promise<void> {
    const api = this.api(key.promise);
    await this.call(() =>
      this.custom.patchNamespacedCustomObject(
        {
          group: api.group,
          version: api.version,
          plural: api.plural,
          namespace: key.namespace,
          name: key.name,
          body: { metadata: { labels: { [MANUAL_RECONCILIATION]: 'true' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  /** The Resource's pipeline Jobs and their Pods, by Kratix's labels. */
  private async jobs(promise: string, namespace: string, name: string) {
    await this.getResource(promise, namespace, name);
    const labelSelector = jobSelector(promise, name);
    const [jobs, pods] = await this.call(() =>
      Promise.all([
        this.batch.listJobForAllNamespaces({ labelSelector }),
        this.core.listPodForAllNamespaces({ labelSelector }),
      ]),
    );
    const mine = jobs.items.filter(job => isJobOf(job, namespace));
    const barePods = pods.items.filter(
      pod => isBarePod(pod) && isJobOf(pod, namespace),
    );
    return { jobs: mine, pods: pods.items, barePods };
  }

  /** Reconcile mode's Pods (no Job) grouped into runs, as the Promise says. */
  private podRuns(promise: string, barePods: V1Pod[]) {
    return podRunsOf(barePods, pipelineOrderOf(this.cache.promise(promise)));
  }

  async listRuns(
    promise: string,
    namespace: string,
    name: string,
  ): Promise<WorkflowRun[]> {
    const { jobs, pods, barePods } = await this.jobs(promise, namespace, name);
    return workflowRunsOnCluster(
      jobs,
      barePods,
      pods,
      pipelineOrderOf(this.cache.promise(promise)),
    );
  }

  async getLogs(
    promise: string,
    namespace: string,
    name: string,
    runId: string,
  ): Promise<ContainerLog[]> {
    const { jobs, pods, barePods } = await this.jobs(promise, namespace, name);
    const run = jobsOfRun(jobs, runId);
    const logs: ContainerLog[] = [];
    if (run.length > 0) {
      for (const job of run) {
        logs.push(...(await this.jobLogs(job, podsOf(job, pods))));
      }
      return logs;
    }
    const podRun = this.podRuns(promise, barePods).find(r => r.id === runId);
    if (!podRun) {
      throw new NotFoundError(`Workflow run '${runId}' not found`);
    }
    for (const pod of podRun.pods) {
      const pipeline =
        pod.metadata?.labels?.['kratix.io/pipeline-name'] ??
        pod.metadata!.name!;
      logs.push(...(await this.podLogs(pipeline, pod, loggedContainers(pod))));
    }
    return logs;
  }

  private async jobLogs(job: V1Job, pods: V1Pod[]): Promise<ContainerLog[]> {
    const pipeline =
      job.metadata?.labels?.['kratix.io/pipeline-name'] ?? job.metadata!.name!;
    const pod = pods.at(-1);
    if (!pod) {
      return [
        {
          pipeline,
          container: '',
          log: `The Pod of Job ${job.metadata?.name} is gone; its logs with it.`,
          truncated: false,
        },
      ];
    }
    const containers = [
      ...(pod.spec?.initContainers ?? []),
      ...(pod.spec?.containers ?? []),
    ].map(c => c.name);
    return this.podLogs(pipeline, pod, containers);
  }

  /** The logs of the Pod's containers, each bounded. */
  private podLogs(
    pipeline: string,
    pod: V1Pod,
    containers: string[],
  ): Promise<ContainerLog[]> {
    return Promise.all(
      containers.map(async container => {
        try {
          const read = await readPodLog(
            this.core,
            pod,
            container,
            LOG_LIMIT_BYTES,
          );
          return { pipeline, container, ...read };
        } catch (e) {
          return {
            pipeline,
            container,
            log: `Logs of Pod ${
              pod.metadata?.name
            } container ${container} unavailable: ${
              clusterError(this.name, e).message
            }`,
            truncated: false,
          };
        }
      }),
    );
  }

  async getHealthRecord(
    namespace: string,
    name: string,
  ): Promise<HealthRecord> {
    this.reachable();
    const found = this.cache.healthRecord(namespace, name);
    if (!found) {
      throw new NotFoundError(
        `HealthRecord '${namespace}/${name}' not found on cluster ${this.name}`,
      );
    }
    return found as unknown as HealthRecord;
  }

  /** Created, or replaced at the version the watch cache has. */
  async putHealthRecord(
    namespace: string,
    name: string,
    document: unknown,
  ): Promise<Applied<HealthRecord>> {
    const record = parseHealthRecord(document as object);
    const existing = this.cache.healthRecord(namespace, name);
    const { object, created } = await this.healthRecords.write(
      namespace,
      name,
      record,
      existing,
    );
    return { object: object as unknown as HealthRecord, created };
  }

  async deleteHealthRecord(namespace: string, name: string): Promise<void> {
    await this.healthRecords.delete(namespace, name);
  }
}
