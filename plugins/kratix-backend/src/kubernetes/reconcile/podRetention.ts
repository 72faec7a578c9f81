// Finished pipeline Pods kept as history, as upstream Kratix keeps its
// pipeline Jobs (its `numberOfJobsToKeep`): after each Pod ends, the
// newest `podsToKeep` finished Pods of that pipeline of that object stay
// and older ones are deleted. Once an object's delete workflow has run,
// all of its Pods go (upstream's Jobs go with their owner).
import { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { JobLabels } from '../pipelineJobs';
import { MANAGED_BY, RUN_ID_LABEL } from './podPipeline';
import type { PipelinePodCache } from './pipelinePodCache';

/**
 * When the engine made the Pod, in milliseconds: creationTimestamp has
 * whole seconds, and fast pipelines start several Pods in one.
 */
export const CREATED_AT_ANNOTATION = 'kratix.io/created-at';

/** Upstream's default number of Jobs to keep. */
export const PODS_TO_KEEP_DEFAULT = 5;

/** The object a pipeline ran for, as its Pods' labels name it. */
export interface PipelineObjectRef {
  promise: string;
  type: 'promise' | 'resource';
  /** A Resource's name and namespace. */
  name?: string;
  namespace?: string;
}

/** The labels of an object's Pods (of one pipeline, if given). */
export function objectPodLabels(
  object: PipelineObjectRef,
  pipeline?: { action: string; name: string },
): Record<string, string> {
  return {
    [JobLabels.promise]: object.promise,
    [JobLabels.workflowType]: object.type,
    ...(object.type === 'resource' && {
      [JobLabels.resourceName]: object.name ?? '',
      [JobLabels.resourceNamespace]: object.namespace ?? '',
    }),
    ...(pipeline && {
      [JobLabels.workflowAction]: pipeline.action,
      [JobLabels.pipeline]: pipeline.name,
    }),
    ...MANAGED_BY,
  };
}

/** The label selector of an object's Pods (of one pipeline, if given). */
export function objectPodSelector(
  object: PipelineObjectRef,
  pipeline?: { action: string; name: string },
): string {
  return [
    ...Object.entries(objectPodLabels(object, pipeline)).map(
      ([k, v]) => `${k}=${v}`,
    ),
    RUN_ID_LABEL,
  ].join(',');
}

/** The object and pipeline of a run's KRATIX_* env. */
export function pipelineOfEnv(env: Record<string, string>) {
  const object: PipelineObjectRef = {
    promise: env.KRATIX_PROMISE_NAME,
    type: env.KRATIX_WORKFLOW_TYPE === 'promise' ? 'promise' : 'resource',
    name: env.KRATIX_OBJECT_NAME,
    namespace: env.KRATIX_OBJECT_NAMESPACE,
  };
  const pipeline = {
    action: env.KRATIX_WORKFLOW_ACTION,
    name: env.KRATIX_PIPELINE_NAME,
  };
  return { object, pipeline };
}

const finished = (pod: V1Pod) =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const created = (pod: V1Pod) =>
  pod.metadata?.creationTimestamp
    ? new Date(pod.metadata.creationTimestamp).getTime()
    : 0;
const createdAt = (pod: V1Pod) =>
  Number(pod.metadata?.annotations?.[CREATED_AT_ANNOTATION]) || 0;

/** When the Pod was made, in ms: the engine's time, else the server's. */
export const podCreatedMs = (pod: V1Pod) => createdAt(pod) || created(pod);

/**
 * Of one pipeline's Pods, the finished ones beyond the newest `keep`
 * finished (running ones are never pruned). `current`, the Pod that just
 * ended, counts as the newest: creation times have whole seconds. Pure.
 */
export function podsToPrune(
  pods: V1Pod[],
  keep: number,
  current?: string,
): V1Pod[] {
  const isCurrent = (p: V1Pod) => (p.metadata?.name === current ? 1 : 0);
  return pods
    .filter(p => finished(p) && !p.metadata?.deletionTimestamp)
    .sort(
      (a, b) =>
        isCurrent(b) - isCurrent(a) ||
        created(b) - created(a) ||
        createdAt(b) - createdAt(a) ||
        (b.metadata?.name ?? '').localeCompare(a.metadata?.name ?? ''),
    )
    .slice(Math.max(1, keep));
}

const codeOf = (e: unknown) => (e as { code?: unknown })?.code;

async function deletePods(core: CoreV1Api, pods: V1Pod[]): Promise<number> {
  let deleted = 0;
  for (const pod of pods) {
    try {
      await core.deleteNamespacedPod({
        name: pod.metadata!.name!,
        namespace: pod.metadata!.namespace!,
      });
      deleted++;
    } catch (e) {
      if (codeOf(e) !== 404) throw e;
    }
  }
  return deleted;
}

/**
 * After the Pod `current` of a run ended: deletes its pipeline's finished
 * Pods beyond the newest `keep`. With `cache` in sync, its Pods are read
 * there, not listed: no call at all unless there are more than `keep`.
 */
export async function prunePipelinePods(
  core: CoreV1Api,
  current: V1Pod,
  env: Record<string, string>,
  keep: number,
  cache?: PipelinePodCache,
): Promise<number> {
  const { name, namespace } = current.metadata as {
    name: string;
    namespace: string;
  };
  const { object, pipeline } = pipelineOfEnv(env);
  const cached = cache?.list(namespace, objectPodLabels(object, pipeline));
  // The cache may not have seen `current` end yet.
  const pods = cached
    ? [...cached.filter(p => p.metadata?.name !== name), current]
    : (
        await core.listNamespacedPod({
          namespace,
          labelSelector: objectPodSelector(object, pipeline),
        })
      ).items;
  return deletePods(core, podsToPrune(pods, keep, name));
}

/** Deletes all of an object's pipeline Pods (its delete workflow ran). */
export async function deleteObjectPods(
  core: CoreV1Api,
  object: PipelineObjectRef,
): Promise<number> {
  const list = await core.listPodForAllNamespaces({
    labelSelector: objectPodSelector(object),
  });
  return deletePods(
    core,
    list.items.filter(p => !p.metadata?.deletionTimestamp),
  );
}
