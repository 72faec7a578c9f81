// Runs a pipeline as a Pod on the cluster, for the same engine
// (`executeWorkflow`) as the process runner: creates its ServiceAccount,
// RBAC and Pod, watches the Pod to its end, and returns the exit codes,
// the containers' logs and what the collector handed over.
import { readPodLog } from '../podLog';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  V1ContainerStatus,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';
import {
  FailedPipelineRun,
  PipelineRunRequest,
  PipelineRunResult,
  PipelineRunner,
  RunnerUnavailableError,
} from '../../engine/interfaces';
import { describeError } from '../ClusterCache';
import { collectorLogMaxBytes, outputsFromCollectorLog } from './collect';
import {
  buildPipelinePod,
  COLLECTOR_CONTAINER,
  OBJECT_MAX_BYTES,
  pipelineServiceAccount,
  PodPipelineOptions,
  READER_CONTAINER,
} from './podPipeline';
import {
  CREATED_AT_ANNOTATION,
  PODS_TO_KEEP_DEFAULT,
  prunePipelinePods,
} from './podRetention';
import { pipelineRbac } from './rbac';
import { PipelinePodCache } from './pipelinePodCache';

export interface PodPipelineRunnerOptions extends Partial<PodPipelineOptions> {
  kubeConfig: KubeConfig;
  /** Per pipeline, from the Pod's creation to its end; default 10 minutes. */
  timeoutMs?: number;
  /** Largest log read from each pipeline container; default 1 MiB. */
  logMaxBytes?: number;
  /** Where the collected archive is unpacked; default the OS temp dir. */
  workDir?: string;
  /** Wait before watching again after a watch failed; default 1 s. */
  rewatchDelayMs?: number;
  /** Finished Pods kept per pipeline of an object; default 5 (podRetention.ts). */
  podsToKeep?: number;
  /** Read for pruning while in sync; else the pipeline's Pods are listed. */
  podCache?: PipelinePodCache;
  /**
   * True while this engine steps down: a run cancelled then leaves its Pod
   * running, for the next leader to adopt (podAdoption.ts).
   */
  leavingPods?: () => boolean;
}

const DEFAULTS = {
  systemNamespace: 'kratix-platform-system',
  utilityImage: 'busybox:1.36',
  timeoutMs: 10 * 60 * 1000,
  logMaxBytes: 1024 * 1024,
  rewatchDelayMs: 1000,
  podsToKeep: PODS_TO_KEEP_DEFAULT,
};

type PodEnd =
  | { kind: 'ended'; pod: V1Pod }
  | { kind: 'gone' }
  | { kind: 'timeout' }
  | { kind: 'cancelled' };

const codeOf = (e: unknown) => (e as { code?: unknown })?.code;

export class PodPipelineRunner implements PipelineRunner {
  private readonly core: CoreV1Api;
  private readonly objects: KubernetesObjectApi;
  private readonly options: PodPipelineRunnerOptions & typeof DEFAULTS;
  /** `namespace/name` of the ServiceAccounts made (or found) on this cluster. */
  private readonly accounts = new Set<string>();

  constructor(options: PodPipelineRunnerOptions) {
    this.options = { ...DEFAULTS, ...options };
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(options.kubeConfig);
  }

  async run(request: PipelineRunRequest): Promise<PipelineRunResult> {
    const onLog = (container: string, chunk: string) => {
      try {
        request.onLog(container, chunk);
      } catch {
        // the run's log is best effort
      }
    };
    if (Buffer.byteLength(request.objectYaml) > OBJECT_MAX_BYTES) {
      return {
        succeeded: false,
        exitCode: 1,
        message: `the object's YAML is more than ${OBJECT_MAX_BYTES} bytes, the most a pipeline Pod's reader takes`,
      };
    }
    if (request.signal.aborted) return cancelled();
    const pod = buildPipelinePod(request, this.options);
    pod.metadata!.annotations![CREATED_AT_ANNOTATION] = String(Date.now());
    const { name, namespace } = pod.metadata as Required<V1Pod>['metadata'];
    const where = `Pod ${namespace}/${name}`;
    const created = await this.start(request, pod, where);
    if ('succeeded' in created) return created;

    const end = await this.waitForEnd(created, request.signal);
    if (end.kind === 'cancelled' && this.options.leavingPods?.()) {
      return cancelled();
    }
    if (end.kind === 'cancelled' || end.kind === 'timeout') {
      await this.deletePod(namespace!, name!);
      return end.kind === 'cancelled'
        ? cancelled()
        : {
            succeeded: false,
            exitCode: 1,
            message: `the pipeline's ${where} did not finish within ${
              this.options.timeoutMs / 1000
            }s; it was deleted`,
          };
    }
    if (end.kind === 'gone') {
      return {
        succeeded: false,
        exitCode: 1,
        message: `the pipeline's ${where} was deleted before it finished`,
      };
    }
    const result = await this.resultOf(end.pod, request, onLog);
    await prunePipelinePods(
      this.core,
      end.pod,
      request.env,
      this.options.podsToKeep,
      this.options.podCache,
    ).catch(() => {}); // pruned after the next run, then
    return result;
  }

  /**
   * Creates the ServiceAccount, RBAC and Pod; an existing Pod of the same
   * run (a retry after a crash) is adopted, never started twice. A
   * ServiceAccount made once is not sent again; if it was deleted since,
   * the API server refuses the Pod (403 or 404), and it is made again once.
   */
  private async start(
    request: PipelineRunRequest,
    pod: V1Pod,
    where: string,
  ): Promise<V1Pod | FailedPipelineRun> {
    const rbac = pipelineRbac(request, this.options);
    const account = pipelineServiceAccount(request, this.options);
    const accountKey = `${account.metadata!.namespace}/${
      account.metadata!.name
    }`;
    const known = this.accounts.has(accountKey);
    const shared: KubernetesObject[] = [
      ...(known ? [] : [account]),
      ...rbac.roles,
      ...rbac.roleBindings,
      ...rbac.clusterRoles,
      ...rbac.clusterRoleBindings,
    ];
    try {
      for (const object of shared) await this.createOrKeep(object);
      this.accounts.add(accountKey);
      try {
        return await this.createPod(pod);
      } catch (e) {
        const code = codeOf(e);
        if (!known || (code !== 403 && code !== 404)) throw e;
        this.accounts.delete(accountKey);
        await this.createOrKeep(account);
        this.accounts.add(accountKey);
        return await this.createPod(pod);
      }
    } catch (e) {
      const code = codeOf(e);
      const why = describeError(e);
      // The API server refused it: the pipeline's fault (e.g. a bad field).
      if (typeof code === 'number' && code >= 400 && code < 500) {
        return {
          succeeded: false,
          exitCode: 1,
          message: `the pipeline's ${where} could not be created: ${why}`,
        };
      }
      throw new RunnerUnavailableError(
        `the pipeline's ${where} could not be created: ${why}`,
      );
    }
  }

  /** Creates the Pod, or reads it if that run's Pod exists already. */
  private async createPod(pod: V1Pod): Promise<V1Pod> {
    const { name, namespace } = pod.metadata as {
      name: string;
      namespace: string;
    };
    try {
      return await this.core.createNamespacedPod({ namespace, body: pod });
    } catch (e) {
      if (codeOf(e) !== 409) throw e;
      return await this.core.readNamespacedPod({ name, namespace });
    }
  }

  private async createOrKeep(object: KubernetesObject): Promise<void> {
    try {
      await this.objects.create(object);
    } catch (e) {
      if (codeOf(e) !== 409) throw e;
    }
  }

  /** Watches the Pod until it ends, is gone, times out or is cancelled. */
  private waitForEnd(pod: V1Pod, signal: AbortSignal): Promise<PodEnd> {
    const { name, namespace } = pod.metadata as {
      name: string;
      namespace: string;
    };
    const { core, options } = this;
    const watch = new Watch(options.kubeConfig);
    return new Promise<PodEnd>(resolve => {
      let settled = false;
      let controller: AbortController | undefined;
      let retry: NodeJS.Timeout | undefined;
      const timer = setTimeout(
        () => finish({ kind: 'timeout' }),
        options.timeoutMs,
      );

      function finish(end: PodEnd) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(retry);
        signal.removeEventListener('abort', onAbort);
        controller?.abort();
        resolve(end);
      }
      function onAbort() {
        finish({ kind: 'cancelled' });
      }
      function check(p: V1Pod) {
        const phase = p.status?.phase;
        if (phase === 'Succeeded' || phase === 'Failed') {
          finish({ kind: 'ended', pod: p });
        }
      }
      // A watch ends (server timeout, expired version, error): read, go on.
      function rewatch() {
        if (settled) return;
        clearTimeout(retry);
        retry = setTimeout(async () => {
          try {
            const current = await core.readNamespacedPod({ name, namespace });
            check(current);
            watchFrom(current.metadata?.resourceVersion);
          } catch (e) {
            if (codeOf(e) === 404) finish({ kind: 'gone' });
            else rewatch();
          }
        }, options.rewatchDelayMs);
      }
      function watchFrom(resourceVersion?: string) {
        if (settled) return;
        watch
          .watch(
            `/api/v1/namespaces/${namespace}/pods`,
            { fieldSelector: `metadata.name=${name}`, resourceVersion },
            (type, object: V1Pod) => {
              if (type === 'DELETED') finish({ kind: 'gone' });
              else if (type !== 'ERROR') check(object);
            },
            () => rewatch(),
          )
          .then(
            c => {
              controller = c;
              if (settled) c.abort();
            },
            () => rewatch(),
          );
      }

      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      check(pod);
      watchFrom(pod.metadata?.resourceVersion);
    });
  }

  private async deletePod(namespace: string, name: string): Promise<void> {
    // Not found: gone already. Else left for the next run's pruning or
    // the object's deletion (podRetention.ts); the run is over either way.
    await this.core.deleteNamespacedPod({ name, namespace }).catch(() => {});
  }

  private async readLog(
    pod: V1Pod,
    container: string,
    limitBytes: number,
  ): Promise<string> {
    return (await readPodLog(this.core, pod, container, limitBytes)).log;
  }

  /**
   * The pipeline containers' logs, then the outcome. The logs (and the
   * collector's, on success) are read at once, each bounded by podLog.ts,
   * and handed on in the containers' order.
   */
  private async resultOf(
    pod: V1Pod,
    request: PipelineRunRequest,
    onLog: (container: string, chunk: string) => void,
  ): Promise<PipelineRunResult> {
    const statuses = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ];
    const ran = (s: V1ContainerStatus) => !!s.state?.terminated;
    const pipelineNames = new Set(request.pipeline.containers.map(c => c.name));
    const lastExit =
      statuses.filter(s => ran(s) && pipelineNames.has(s.name)).at(-1)?.state
        ?.terminated?.exitCode ?? 0;
    const failed = statuses.find(
      s => ran(s) && s.state!.terminated!.exitCode !== 0,
    );
    const succeeded = !failed && pod.status?.phase === 'Succeeded';
    const collected = succeeded
      ? this.readLog(pod, COLLECTOR_CONTAINER, collectorLogMaxBytes(request))
      : undefined;
    collected?.catch(() => {}); // awaited below, after the logs
    const logged = statuses.filter(
      s =>
        ran(s) &&
        s.name !== COLLECTOR_CONTAINER &&
        !(s.name === READER_CONTAINER && s.state!.terminated!.exitCode === 0),
    );
    const logs = logged.map(s =>
      this.readLog(pod, s.name, this.options.logMaxBytes).catch(
        e => `kratix: the log is unavailable: ${describeError(e)}\n`,
      ),
    );
    for (const [i, s] of logged.entries()) onLog(s.name, await logs[i]);
    if (!collected) {
      const exitCode = failed?.state?.terminated?.exitCode ?? 1;
      const reason = failed?.state?.terminated?.reason;
      return {
        succeeded: false,
        exitCode,
        ...(failed && { failedContainer: failed.name }),
        message: failed
          ? `Container ${failed.name} exited with code ${exitCode}${
              reason && reason !== 'Error' ? ` (${reason})` : ''
            }`
          : `the pipeline's Pod ended ${pod.status?.phase}: ${
              pod.status?.message ?? pod.status?.reason ?? 'no reason given'
            }`,
      };
    }
    try {
      const outputs = await outputsFromCollectorLog(
        await collected,
        request,
        this.options.workDir,
      );
      return { succeeded: true, exitCode: lastExit, outputs };
    } catch (e) {
      return {
        succeeded: false,
        exitCode: lastExit,
        message: (e as Error).message,
      };
    }
  }
}

function cancelled(): FailedPipelineRun {
  return { succeeded: false, exitCode: 1, message: 'cancelled' };
}
