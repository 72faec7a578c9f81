// Reconcile mode runs each pipeline as a bare Pod (no Job), labelled as
// upstream labels its Jobs (reconcile/podPipeline.ts). This turns such
// Pods into pipeline runs, grouped into workflow runs, for the observe side
// and any other reader of the cluster.
import { V1Job, V1Pod } from '@kubernetes/client-node';
import {
  KratixPromise,
  PipelinePhase,
  PipelineRun,
  WorkflowAction,
  WorkflowRun,
  WorkflowType,
} from '@kratix-backstage/plugin-kratix-common';
import {
  containerStatusesOf,
  failedContainer,
  jobRunsOf,
  newestFirst,
  workflowRunOf,
} from './pipelineJobs';
import {
  COLLECTOR_CONTAINER,
  parseObjectYaml,
  readerObjectYaml,
  READER_CONTAINER,
  RUN_ID_LABEL,
} from './reconcile/podPipeline';
import { podCreatedMs } from './reconcile/podRetention';

const label = (pod: V1Pod, key: string) => pod.metadata?.labels?.[key];
const nameOf = (pod: V1Pod) => label(pod, 'kratix.io/pipeline-name');

const time = (t: Date | string | undefined) =>
  t === undefined ? undefined : new Date(t).toISOString();

const ms = (t: Date | string | undefined, otherwise: number) =>
  t === undefined ? otherwise : new Date(t).getTime();

/** Whether no Job owns the Pod: it runs its pipeline by itself. */
export function isBarePod(pod: V1Pod): boolean {
  return (
    !pod.metadata?.labels?.['job-name'] &&
    !pod.metadata?.ownerReferences?.some(o => o.kind === 'Job')
  );
}

function podPhase(pod: V1Pod): PipelinePhase {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return phase;
  if (phase === 'Running' || pod.status?.startTime) return 'Running';
  return 'Pending';
}

/** When the Pod's last container ended. */
function finishedAt(pod: V1Pod): string | undefined {
  const ends = containerStatusesOf(pod)
    .map(s => s.state?.terminated?.finishedAt)
    .filter((t): t is Date => t !== undefined)
    .map(t => new Date(t).getTime());
  return ends.length ? new Date(Math.max(...ends)).toISOString() : undefined;
}

/** The first container that failed, as the run reports it. */
function failure(pod: V1Pod): Pick<PipelineRun, 'exitCode' | 'message'> {
  const failed = failedContainer(pod);
  if (failed) return failed;
  const reason = pod.status?.reason ?? pod.status?.message;
  return reason ? { message: reason } : {};
}

/** One bare Pod's pipeline run. */
export function podPipelineRun(pod: V1Pod): PipelineRun {
  const phase = podPhase(pod);
  const ended = phase === 'Succeeded' || phase === 'Failed';
  return {
    name: nameOf(pod) ?? pod.metadata?.name ?? 'unknown',
    phase,
    startedAt: time(pod.status?.startTime ?? pod.metadata?.creationTimestamp),
    finishedAt: ended ? finishedAt(pod) : undefined,
    ...(phase === 'Failed' ? failure(pod) : {}),
  };
}

/**
 * The generation the Pod ran for: from the object its reader container
 * hands the pipeline; 0 when it cannot be read.
 */
export function podGeneration(pod: V1Pod): number {
  const generation = parseObjectYaml(readerObjectYaml(pod))?.metadata
    ?.generation;
  return typeof generation === 'number' ? generation : 0;
}

/**
 * The containers whose logs a reader wants: the pipeline's own, and the
 * engine's reader only when it failed (the collector's log is the engine's
 * transfer of the outputs, not for people), as reconcile mode records.
 */
export function loggedContainers(pod: V1Pod): string[] {
  const failed = new Set(
    containerStatusesOf(pod)
      .filter(s => (s.state?.terminated?.exitCode ?? 0) !== 0)
      .map(s => s.name),
  );
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
    .map(c => c.name)
    .filter(
      name =>
        name !== COLLECTOR_CONTAINER &&
        (name !== READER_CONTAINER || failed.has(name)),
    );
}

export interface PodRun {
  id: string;
  type: WorkflowType;
  action: WorkflowAction;
  /** Its Pods, one per pipeline, in order. */
  pods: V1Pod[];
  /** Milliseconds; orders the runs. */
  created: number;
  /**
   * The newest run of its workflow, whose later pipelines (as the Promise
   * lists them) have no Pod yet: still running when its Pods all ended.
   */
  unfinished: boolean;
}

/** The pipeline names of a workflow in order, where the Promise says. */
export type PipelineOrder = (
  type: WorkflowType,
  action: WorkflowAction,
) => string[];

/**
 * Bare Pods grouped into workflow runs. Pods carry no workflow run of their
 * own, but a workflow's pipelines run one after another and the runs of one
 * object never overlap: in creation order (ties by the Promise's pipeline
 * order), a run ends where its workflow starts again, i.e. where a pipeline
 * does not come after the one before it. A run's id is its workflow and
 * its first Pod's run label.
 */
export function podRunsOf(pods: V1Pod[], order: PipelineOrder): PodRun[] {
  const byWorkflow = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    const key = [
      label(pod, 'kratix.io/workflow-type') ?? 'resource',
      label(pod, 'kratix.io/workflow-action') ?? 'configure',
    ].join('.');
    byWorkflow.set(key, [...(byWorkflow.get(key) ?? []), pod]);
  }
  const runs: PodRun[] = [];
  for (const [workflow, list] of byWorkflow) {
    const [type, action] = workflow.split('.') as [
      WorkflowType,
      WorkflowAction,
    ];
    const names = order(type, action);
    const index = (pod: V1Pod) => {
      const i = names.indexOf(nameOf(pod) ?? '');
      return i < 0 ? names.length : i;
    };
    const known = (pod: V1Pod) => index(pod) < names.length;
    const sorted = [...list].sort(
      (a, b) =>
        podCreatedMs(a) - podCreatedMs(b) ||
        index(a) - index(b) ||
        ms(a.status?.startTime, Infinity) - ms(b.status?.startTime, Infinity),
    );
    let current: PodRun | undefined;
    for (const pod of sorted) {
      const last = current?.pods.at(-1);
      const continues =
        current !== undefined &&
        !current.pods.some(p => nameOf(p) === nameOf(pod)) &&
        !(known(pod) && known(last!) && index(pod) < index(last!));
      if (!current || !continues) {
        current = {
          id: `${workflow}.${
            label(pod, RUN_ID_LABEL) ?? pod.metadata?.uid ?? ''
          }`,
          type,
          action,
          pods: [],
          created: podCreatedMs(pod),
          unfinished: false,
        };
        runs.push(current);
      }
      current.pods.push(pod);
    }
    const last = current?.pods.at(-1);
    if (current && last && known(last)) {
      current.unfinished = index(last) < names.length - 1;
    }
  }
  return runs;
}

/**
 * The workflow runs of one object, newest first: from upstream's Jobs (and
 * their Pods) and from bare Pods (reconcile mode's).
 */
export function workflowRunsOnCluster(
  jobs: V1Job[],
  barePods: V1Pod[],
  jobPods: V1Pod[],
  order: PipelineOrder,
): WorkflowRun[] {
  const fromPods = podRunsOf(barePods, order).map(r => {
    const run = workflowRunOf(
      r.id,
      r.type,
      r.action,
      r.pods.map(podPipelineRun),
    );
    run.generation = podGeneration(r.pods[0]);
    const between = r.unfinished && run.phase === 'Succeeded';
    return {
      run: between
        ? { ...run, phase: 'Running' as const, finishedAt: undefined }
        : run,
      created: r.created,
    };
  });
  return newestFirst([...jobRunsOf(jobs, jobPods), ...fromPods]);
}

/** The pipeline order of a Promise's workflows, from its spec. */
export function pipelineOrderOf(
  promise: KratixPromise | undefined,
): PipelineOrder {
  return (type, action) => {
    const workflows = (promise?.spec as { workflows?: any } | undefined)
      ?.workflows;
    const list = workflows?.[type]?.[action];
    return Array.isArray(list)
      ? list.map(
          (p: { metadata?: { name?: string } }) => p?.metadata?.name ?? '',
        )
      : [];
  };
}
