// Reconcile mode's REST API: as in embedded mode, but a running pipeline's
// log is read from its Pod as it grows (`pods/log` of each pipeline
// container, at most `logMaxBytes`, as observe mode reads Kratix's Jobs),
// where embedded mode has the runner's chunks. The run log keeps each
// container's log once its Pod has ended.
import { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { ContainerLog } from '@kratix-backstage/plugin-kratix-common';
import { KratixStore } from '../../database/KratixStore';
import { KratixService } from '../../service/KratixService';
import { readPodLog } from '../podLog';
import { objectPodSelector, podCreatedMs } from './podRetention';
import { READER_CONTAINER } from './podPipeline';

export interface LiveLogOptions {
  store: KratixStore;
  core: CoreV1Api;
  /** Most bytes read of each container's log. */
  logMaxBytes: number;
}

export class ReconcileKratixService extends KratixService {
  constructor(
    options: ConstructorParameters<typeof KratixService>[0],
    private readonly live: LiveLogOptions,
  ) {
    super(options);
  }

  override async getLogs(
    promise: string,
    namespace: string,
    name: string,
    runId: string,
  ): Promise<ContainerLog[]> {
    const logs = await super.getLogs(promise, namespace, name, runId);
    const run = await this.live.store.getWorkflowRun(runId);
    if (run?.phase !== 'Running') return logs;
    const kept = new Set(logs.map(l => `${l.pipeline}/${l.container}`));
    for (const pipeline of run.pipelines) {
      if (pipeline.phase !== 'Running') continue;
      const pod = await this.podOf(
        { promise, namespace, name },
        { action: run.action, name: pipeline.name },
      );
      if (!pod) continue;
      for (const log of await this.podLogs(pod, pipeline.name)) {
        if (!kept.has(`${log.pipeline}/${log.container}`)) logs.push(log);
      }
    }
    return logs;
  }

  /**
   * The pipeline's running Pod for the Resource (one at a time; an ended
   * one may be an earlier run's, and its log is in the run log anyway).
   */
  private async podOf(
    resource: { promise: string; namespace: string; name: string },
    pipeline: { action: string; name: string },
  ): Promise<V1Pod | undefined> {
    const list = await this.live.core.listNamespacedPod({
      namespace: resource.namespace,
      labelSelector: objectPodSelector(
        { ...resource, type: 'resource' },
        pipeline,
      ),
    });
    const ended = (p: V1Pod) =>
      p.status?.phase === 'Succeeded' ||
      p.status?.phase === 'Failed' ||
      !!p.metadata?.deletionTimestamp;
    return list.items
      .filter(p => !ended(p))
      .sort((a, b) => podCreatedMs(b) - podCreatedMs(a))[0];
  }

  /** Each started pipeline container's log so far (others say nothing). */
  private async podLogs(pod: V1Pod, pipeline: string): Promise<ContainerLog[]> {
    const { core, logMaxBytes } = this.live;
    const containers = (pod.spec?.initContainers ?? [])
      .map(c => c.name)
      .filter(c => c !== READER_CONTAINER);
    const logs: ContainerLog[] = [];
    for (const container of containers) {
      try {
        const read = await readPodLog(core, pod, container, logMaxBytes);
        logs.push({ pipeline, container, ...read });
      } catch {
        continue; // not started yet (or gone): nothing to show
      }
    }
    return logs;
  }
}
