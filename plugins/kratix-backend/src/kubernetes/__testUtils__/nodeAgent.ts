// The test cluster has no kubelet: this plays one node. It registers a
// Node (whose kubelet endpoint serves the containers' logs, see
// fakeKubelet.ts), binds unscheduled Pods to it, and runs each Pod's init
// containers then containers in order as local processes with the process
// runner (images mapped to commands; /kratix/{input,output,metadata} as
// the Pod's shared emptyDir volumes), patching the Pod's status as a
// kubelet would. A Pod being deleted has its run stopped, then is removed.
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  V1Container,
  V1ContainerStatus,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { PipelineContainer, PipelineRunResult } from '../../engine/interfaces';
import {
  ProcessPipelineRunner,
  ProcessPipelineRunnerOptions,
} from '../../runner/ProcessPipelineRunner';
import { startFakeKubelet } from './fakeKubelet';
import { KubeTestCluster } from './kubeTestCluster';

export interface NodeAgent {
  nodeName: string;
  /** Names (namespace/name) of the Pods it started, in order. */
  started: string[];
  stop(): Promise<void>;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

export async function startNodeAgent(
  cluster: KubeTestCluster,
  runnerOptions: ProcessPipelineRunnerOptions,
  nodeName = 'kube-test-node',
): Promise<NodeAgent> {
  const kubelet = await startFakeKubelet(cluster, nodeName);
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const runner = new ProcessPipelineRunner(runnerOptions);
  const runs = new Map<string, Running>();
  const started: string[] = [];
  let stopped = false;
  let watchController: AbortController | undefined;

  const patchStatus = (pod: V1Pod, status: V1Pod['status']) =>
    core
      .patchNamespacedPodStatus(
        {
          name: pod.metadata!.name!,
          namespace: pod.metadata!.namespace!,
          body: { status },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      .catch(() => {}); // a Pod deleted meanwhile

  const run = async (pod: V1Pod, signal: AbortSignal) => {
    const { name, namespace } = pod.metadata as {
      name: string;
      namespace: string;
    };
    const init = pod.spec?.initContainers ?? [];
    const main = pod.spec?.containers ?? [];
    const all = [...init, ...main];
    const logs = new Map<string, string>();
    await patchStatus(pod, {
      phase: 'Running',
      startTime: new Date(),
      hostIP: '127.0.0.1',
    });
    const result = await runner.run({
      runId: pod.metadata!.uid!,
      pipeline: { name, containers: all.map(toProcessContainer) },
      env: {},
      objectYaml: '',
      statusMaxBytes: Number.MAX_SAFE_INTEGER,
      outputMaxBytes: Number.MAX_SAFE_INTEGER,
      collectOutputs: false,
      signal,
      onLog: (container, chunk) => {
        const log = (logs.get(container) ?? '') + chunk;
        logs.set(container, log);
        kubelet.setLog(namespace, name, container, log);
      },
    });
    if (signal.aborted) return;
    const statuses = containerStatuses(all, result);
    await patchStatus(pod, {
      phase: result.succeeded ? 'Succeeded' : 'Failed',
      ...(!result.succeeded &&
        !result.failedContainer && { message: result.message }),
      initContainerStatuses: statuses.slice(0, init.length),
      containerStatuses: statuses.slice(init.length),
    });
  };

  const handle = async (type: string, pod: V1Pod) => {
    const { name, namespace, uid } = pod.metadata ?? {};
    if (!name || !namespace || !uid || stopped) return;
    if (!pod.spec?.nodeName) {
      if (pod.metadata?.deletionTimestamp) return;
      await core
        .createNamespacedPodBinding({
          name,
          namespace,
          body: {
            apiVersion: 'v1',
            kind: 'Binding',
            metadata: { name, namespace },
            target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
          },
        })
        .catch(() => {}); // bound meanwhile, or gone
      return;
    }
    if (pod.spec.nodeName !== nodeName || type === 'DELETED') return;
    if (pod.metadata?.deletionTimestamp) {
      // As a kubelet: stop the containers, then remove the Pod for good.
      const running = runs.get(uid);
      running?.controller.abort();
      await running?.done;
      await core
        .deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 })
        .catch(() => {});
      return;
    }
    const phase = pod.status?.phase;
    if (runs.has(uid) || (phase && phase !== 'Pending')) return;
    const controller = new AbortController();
    started.push(`${namespace}/${name}`);
    const done = run(pod, controller.signal).catch(() => {});
    runs.set(uid, { controller, done });
  };

  const watch = new Watch(cluster.kubeConfig);
  const watchAll = async () => {
    if (stopped) return;
    const list = await core.listPodForAllNamespaces();
    for (const pod of list.items) await handle('ADDED', pod);
    watchController = await watch.watch(
      '/api/v1/pods',
      { resourceVersion: list.metadata?.resourceVersion },
      (type, pod: V1Pod) => void handle(type, pod),
      () => void setTimeout(() => void watchAll().catch(() => {}), 200),
    );
  };
  await watchAll();

  return {
    nodeName,
    started,
    stop: async () => {
      stopped = true;
      watchController?.abort();
      for (const r of runs.values()) r.controller.abort();
      await Promise.all([...runs.values()].map(r => r.done));
      await runner.close();
      await kubelet.stop();
    },
  };
}

/** A Pod's container, for the process runner (env values only). */
function toProcessContainer(c: V1Container): PipelineContainer {
  return {
    name: c.name,
    image: c.image ?? '',
    ...(c.command && { command: c.command }),
    ...(c.args && { args: c.args }),
    env: (c.env ?? []).map(e => ({ name: e.name, value: e.value ?? '' })),
  };
}

/** The containers' statuses, from how the process runner's run ended. */
function containerStatuses(
  containers: V1Container[],
  result: PipelineRunResult,
): V1ContainerStatus[] {
  const failed = result.succeeded
    ? -1
    : containers.findIndex(c => c.name === result.failedContainer);
  return containers.map((c, i) => {
    const base = {
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: false,
      restartCount: 0,
    };
    if (failed >= 0 && i > failed) {
      return { ...base, state: { waiting: { reason: 'PodInitializing' } } };
    }
    const exitCode = i === failed ? result.exitCode : 0;
    return {
      ...base,
      state: {
        terminated: {
          exitCode,
          reason: exitCode === 0 ? 'Completed' : 'Error',
        },
      },
    };
  });
}
