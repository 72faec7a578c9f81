// The engine's pipeline Pods on one cluster, kept by one watch: a list,
// then a watch from its resourceVersion, listed again whenever the watch
// ends. Pruning finished Pods reads it (podRetention.ts) instead of a list
// call per pipeline. Of each Pod only what pruning reads is kept: a Pod's
// spec holds its object's YAML, up to 120 KiB.
import { CoreV1Api, KubeConfig, V1Pod, Watch } from '@kubernetes/client-node';
import { MANAGED_BY, RUN_ID_LABEL } from './podPipeline';
import { CREATED_AT_ANNOTATION } from './podRetention';

/** The label selector of every pipeline Pod the engine makes. */
export const PIPELINE_PODS_SELECTOR = [
  ...Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`),
  RUN_ID_LABEL,
].join(',');

const keyOf = (pod: V1Pod) =>
  `${pod.metadata?.namespace}/${pod.metadata?.name}`;

/** What pruning reads of a Pod. */
function slim(pod: V1Pod): V1Pod {
  const m = pod.metadata ?? {};
  const createdAt = m.annotations?.[CREATED_AT_ANNOTATION];
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      labels: m.labels,
      creationTimestamp: m.creationTimestamp,
      deletionTimestamp: m.deletionTimestamp,
      ...(createdAt && {
        annotations: { [CREATED_AT_ANNOTATION]: createdAt },
      }),
    },
    status: { phase: pod.status?.phase },
  };
}

export class PipelinePodCache {
  private readonly core: CoreV1Api;
  private readonly watch: Watch;
  private pods = new Map<string, V1Pod>();
  private synced = false;
  private running = false;
  /** Bumped on each (re)start and stop: older callbacks are ignored. */
  private generation = 0;
  private controller?: AbortController;
  private retry?: NodeJS.Timeout;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: {
      /** Wait before listing again after the watch ended; default 1 s. */
      relistDelayMs?: number;
      /** The API server ends each watch after this; default its own. */
      watchTimeoutSeconds?: number;
    } = {},
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.watch = new Watch(kubeConfig);
  }

  /** Lists and watches; resolves once listed, or the list failed (retried). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.sync(++this.generation);
  }

  stop(): void {
    this.running = false;
    this.generation++;
    this.synced = false;
    clearTimeout(this.retry);
    this.controller?.abort();
    this.controller = undefined;
    this.pods.clear();
  }

  /** The Pods in `namespace` with all of `labels`; undefined while out of sync. */
  list(namespace: string, labels: Record<string, string>): V1Pod[] | undefined {
    if (!this.synced) return undefined;
    return [...this.pods.values()].filter(
      p =>
        p.metadata?.namespace === namespace &&
        Object.entries(labels).every(([k, v]) => p.metadata?.labels?.[k] === v),
    );
  }

  private async sync(generation: number): Promise<void> {
    const current = () => generation === this.generation;
    try {
      const list = await this.core.listPodForAllNamespaces({
        labelSelector: PIPELINE_PODS_SELECTOR,
      });
      if (!current()) return;
      this.pods = new Map(list.items.map(p => [keyOf(p), slim(p)]));
      const controller = await this.watch.watch(
        '/api/v1/pods',
        {
          labelSelector: PIPELINE_PODS_SELECTOR,
          resourceVersion: list.metadata?.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: this.options.watchTimeoutSeconds,
        },
        (type, pod: V1Pod) => {
          if (!current()) return;
          if (type === 'ADDED' || type === 'MODIFIED') {
            this.pods.set(keyOf(pod), slim(pod));
          } else if (type === 'DELETED') this.pods.delete(keyOf(pod));
          else if (type === 'ERROR') this.again(generation); // e.g. 410 Gone
        },
        () => this.again(generation),
      );
      if (!current()) {
        controller.abort();
        return;
      }
      this.controller = controller;
      this.synced = true;
    } catch {
      this.again(generation);
    }
  }

  /** The watch ended or failed: out of sync until listed again. */
  private again(generation: number): void {
    if (generation !== this.generation || !this.running) return;
    this.synced = false;
    this.controller?.abort();
    this.controller = undefined;
    const next = ++this.generation;
    this.retry = setTimeout(
      () => void this.sync(next),
      this.options.relistDelayMs ?? 1000,
    );
  }
}
