// A new leader finds the pipeline Pods a former leader started. Each is
// adopted when its run is still wanted (the object, at the Pod's
// generation, still has that pipeline Running, or Pending as cancelled by
// a leader that stepped down and left its Pods): the workflow's next run of
// that pipeline watches the Pod instead of starting another. A Pod whose
// object is gone, recreated, at a newer generation or being deleted is
// deleted if it still runs; a finished one stays, as the object's history.
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  V1Pod,
} from '@kubernetes/client-node';
import {
  KratixObject,
  PipelineRunner,
  PipelineRunRequest,
} from '../../engine/interfaces';
import { describeError } from '../ClusterCache';
import { JobLabels } from '../pipelineJobs';
import {
  MANAGED_BY,
  parseObjectYaml,
  readerObjectYaml,
  RUN_ID_ANNOTATION,
  RUN_ID_LABEL,
} from './podPipeline';

/** Run ids of adopted Pods, by the run they stand for; each used once. */
export class AdoptedRuns {
  private readonly runIds = new Map<string, string>();

  get size(): number {
    return this.runIds.size;
  }

  has(key: string): boolean {
    return this.runIds.has(key);
  }

  add(key: string, runId: string): void {
    this.runIds.set(key, runId);
  }

  clear(): void {
    this.runIds.clear();
  }

  /**
   * `runner`, but a request for an adopted run gets that Pod's run id, so
   * that the PodPipelineRunner finds the Pod and watches it.
   */
  wrap(runner: PipelineRunner): PipelineRunner {
    return {
      run: request => {
        const key = requestKey(request);
        const runId = key === undefined ? undefined : this.runIds.get(key);
        if (runId === undefined) return runner.run(request);
        this.runIds.delete(key!);
        return runner.run({ ...request, runId });
      },
    };
  }
}

interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
}

/** One run of one pipeline of one object at one generation. */
function runKey(
  fields: {
    promise?: string;
    type?: string;
    action?: string;
    pipeline?: string;
  },
  object: ObjectRef,
): string {
  return JSON.stringify([
    fields.promise,
    fields.type,
    fields.action,
    fields.pipeline,
    object.apiVersion,
    object.kind,
    object.namespace ?? '',
    object.name,
    object.uid ?? '',
    object.generation ?? 0,
  ]);
}

/** The object a pipeline ran for, from its YAML; undefined if unreadable. */
function objectRef(yaml: string | undefined): ObjectRef | undefined {
  if (!yaml) return undefined;
  try {
    const o = parseObjectYaml(yaml) as KratixObject | undefined;
    const m = o?.metadata;
    if (!o?.apiVersion || !o.kind || !m?.name) return undefined;
    return {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: m.name,
      namespace: m.namespace || undefined,
      uid: m.uid,
      generation: m.generation,
    };
  } catch {
    return undefined;
  }
}

function requestKey(request: PipelineRunRequest): string | undefined {
  const object = objectRef(request.objectYaml);
  const { env } = request;
  return (
    object &&
    runKey(
      {
        promise: env.KRATIX_PROMISE_NAME,
        type: env.KRATIX_WORKFLOW_TYPE,
        action: env.KRATIX_WORKFLOW_ACTION,
        pipeline: env.KRATIX_PIPELINE_NAME,
      },
      object,
    )
  );
}

/** A pipeline Pod: its run, the object it ran for, where it is. */
interface PipelinePod {
  pod: V1Pod;
  where: string;
  runId?: string;
  object?: ObjectRef;
  action?: string;
  pipeline?: string;
  key?: string;
  finished: boolean;
}

function describePod(pod: V1Pod): PipelinePod {
  const meta = pod.metadata!;
  const labels = meta.labels ?? {};
  const object = objectRef(readerObjectYaml(pod));
  const fields = {
    promise: labels[JobLabels.promise],
    type: labels[JobLabels.workflowType],
    action: labels[JobLabels.workflowAction],
    pipeline: labels[JobLabels.pipeline],
  };
  const phase = pod.status?.phase;
  return {
    pod,
    where: `${meta.namespace}/${meta.name}`,
    runId: meta.annotations?.[RUN_ID_ANNOTATION],
    object,
    action: fields.action,
    pipeline: fields.pipeline,
    key: object && runKey(fields, object),
    finished: phase === 'Succeeded' || phase === 'Failed',
  };
}

export type PodDecision =
  | { kind: 'adopt' }
  | { kind: 'delete'; reason: string }
  | { kind: 'keep'; reason: string };

/**
 * What becomes of a former leader's Pod, given its object as it is now
 * (undefined: gone). Pure.
 */
export function decidePod(
  p: Omit<PipelinePod, 'pod' | 'where' | 'key'>,
  current: KratixObject | undefined,
): PodDecision {
  const unwanted = (reason: string): PodDecision =>
    p.finished ? { kind: 'keep', reason } : { kind: 'delete', reason };
  if (!p.object || !p.runId) {
    return unwanted('it names no run or object of this engine');
  }
  if (!current) return { kind: 'delete', reason: 'its object is gone' };
  const meta = current.metadata;
  if (p.object.uid && meta.uid !== p.object.uid) {
    return {
      kind: 'delete',
      reason: 'its object was deleted and created again',
    };
  }
  const deleting = !!(meta as { deletionTimestamp?: unknown })
    .deletionTimestamp;
  if (p.action === 'configure' && deleting) {
    return unwanted('its object is being deleted');
  }
  if ((meta.generation ?? 0) !== (p.object.generation ?? 0)) {
    return unwanted(`its object is at generation ${meta.generation} now`);
  }
  const entry = current.status?.kratix?.workflows?.pipelines?.find(
    s => s.name === p.pipeline,
  );
  const phase = entry?.phase;
  // A leader stepping down leaves its Pods running; its run was cancelled
  // ('Pending', 'Cancelled') but is still wanted.
  const interrupted = phase === 'Pending' && entry?.message === 'Cancelled';
  if (phase !== 'Running' && !interrupted) {
    return unwanted(
      `the object's pipeline ${p.pipeline} is ${phase ?? 'not running'}`,
    );
  }
  return { kind: 'adopt' };
}

export interface PodAdoptionReport {
  /** Pods (namespace/name) whose runs the workflows will watch. */
  adopted: string[];
  deleted: Array<{ pod: string; reason: string }>;
  /** Finished Pods left as they are, and Pods not decided (read errors). */
  kept: Array<{ pod: string; reason: string }>;
}

const codeOf = (e: unknown) => (e as { code?: unknown })?.code;
const time = (t: Date | string | undefined) => (t ? new Date(t).getTime() : 0);

/**
 * On becoming the leader: lists this engine's pipeline Pods and adopts
 * (into `adopted`, cleared first) or deletes each, as `decidePod` says.
 */
export async function adoptPipelinePods(options: {
  kubeConfig: KubeConfig;
  adopted: AdoptedRuns;
  logger?: LoggerService;
}): Promise<PodAdoptionReport> {
  const { kubeConfig, adopted, logger } = options;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const report: PodAdoptionReport = { adopted: [], deleted: [], kept: [] };
  adopted.clear();

  const [managedBy, value] = Object.entries(MANAGED_BY)[0];
  const list = await core.listPodForAllNamespaces({
    labelSelector: `${managedBy}=${value},${RUN_ID_LABEL}`,
  });
  const pods = list.items
    .filter(pod => !pod.metadata?.deletionTimestamp)
    .map(describePod)
    // Newest first: of two runs of one pipeline, the newer is adopted.
    .sort(
      (a, b) =>
        time(b.pod.metadata?.creationTimestamp) -
        time(a.pod.metadata?.creationTimestamp),
    );

  const current = new Map<string, Promise<KratixObject | undefined>>();
  const read = (o: ObjectRef) => {
    const id = JSON.stringify([o.apiVersion, o.kind, o.namespace, o.name]);
    if (!current.has(id)) {
      current.set(
        id,
        objects
          .read({
            apiVersion: o.apiVersion,
            kind: o.kind,
            metadata: { name: o.name, namespace: o.namespace },
          })
          .then(found => found as unknown as KratixObject)
          .catch(e => {
            if (codeOf(e) === 404) return undefined;
            throw e;
          }),
      );
    }
    return current.get(id)!;
  };

  for (const p of pods) {
    let decision: PodDecision;
    try {
      decision = decidePod(p, p.object && (await read(p.object)));
    } catch (e) {
      report.kept.push({
        pod: p.where,
        reason: `its object could not be read: ${describeError(e)}`,
      });
      continue;
    }
    if (decision.kind === 'adopt' && adopted.has(p.key!)) {
      decision = { kind: 'delete', reason: 'a newer Pod runs the pipeline' };
      if (p.finished) decision = { kind: 'keep', reason: decision.reason };
    }
    if (decision.kind === 'adopt') {
      adopted.add(p.key!, p.runId!);
      report.adopted.push(p.where);
    } else if (decision.kind === 'keep') {
      report.kept.push({ pod: p.where, reason: decision.reason });
    } else {
      const { reason } = decision;
      await core
        .deleteNamespacedPod({
          name: p.pod.metadata!.name!,
          namespace: p.pod.metadata!.namespace!,
        })
        .then(
          () => report.deleted.push({ pod: p.where, reason }),
          e => {
            if (codeOf(e) === 404) return;
            report.kept.push({
              pod: p.where,
              reason: `${reason}, but it could not be deleted: ${describeError(
                e,
              )}`,
            });
          },
        );
    }
  }
  for (const d of report.deleted) {
    logger?.info(`Deleted the pipeline Pod ${d.pod}: ${d.reason}`);
  }
  for (const pod of report.adopted) {
    logger?.info(`Adopted the pipeline Pod ${pod} of a former leader`);
  }
  return report;
}
