// Upstream Kratix runs each pipeline as a Job, labelled with the Promise,
// the Resource, the workflow and the object's hash. This turns a Resource's
// Jobs (and their Pods) into the workflow runs the REST API reports.
import { V1Job, V1Pod } from '@kubernetes/client-node';
import {
  PipelinePhase,
  PipelineRun,
  WorkflowAction,
  WorkflowRun,
  WorkflowType,
} from '@kratix-backstage/plugin-kratix-common';

/** Labels upstream Kratix puts on pipeline Jobs and their Pods. */
export const JobLabels = {
  promise: 'kratix.io/promise-name',
  resourceName: 'kratix.io/resource-name',
  resourceNamespace: 'kratix.io/resource-namespace',
  pipeline: 'kratix.io/pipeline-name',
  workflowType: 'kratix.io/workflow-type',
  workflowAction: 'kratix.io/workflow-action',
  /** Older Kratix releases' names of the two above. */
  workType: 'kratix.io/work-type',
  workAction: 'kratix.io/work-action',
  hash: 'kratix.io/hash',
} as const;

/** The label selector of a Resource's (or a Promise's) pipeline Jobs. */
export function jobSelector(promise: string, resourceName?: string): string {
  return [
    `${JobLabels.promise}=${promise}`,
    resourceName
      ? `${JobLabels.resourceName}=${resourceName}`
      : `!${JobLabels.resourceName}`,
  ].join(',');
}

/** Whether a Job (or a Pod) belongs to the Resource in `namespace`. */
export function isJobOf(
  job: Pick<V1Job, 'metadata'>,
  namespace: string,
): boolean {
  const labelled = job.metadata?.labels?.[JobLabels.resourceNamespace];
  return (labelled ?? job.metadata?.namespace) === namespace;
}

function label(job: V1Job, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = job.metadata?.labels?.[key];
    if (value) return value;
  }
  return undefined;
}

const time = (t: Date | string | undefined) =>
  t === undefined ? undefined : new Date(t).toISOString();

/** A Job's phase, from its status. */
function jobPhase(job: V1Job): PipelinePhase {
  const conditions = job.status?.conditions ?? [];
  const has = (type: string) =>
    conditions.some(c => c.type === type && c.status === 'True');
  if (has('Complete') || (job.status?.succeeded ?? 0) > 0) return 'Succeeded';
  if (has('Failed')) return 'Failed';
  if ((job.status?.active ?? 0) > 0 || job.status?.startTime) return 'Running';
  return 'Pending';
}

/** The exit code of the first container of the Pod that failed. */
/** A Pod's init containers' statuses, then its containers'. */
export function containerStatusesOf(pod: V1Pod) {
  return [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
}

/** A Pod's first container that exited non-zero, as a run reports it. */
export function failedContainer(
  pod: V1Pod,
): { exitCode: number; message: string } | undefined {
  for (const s of containerStatusesOf(pod)) {
    const t = s.state?.terminated;
    if (t && t.exitCode !== 0) {
      return {
        exitCode: t.exitCode,
        message: `Container ${s.name} exited with code ${t.exitCode}${
          t.reason ? ` (${t.reason})` : ''
        }`,
      };
    }
  }
  return undefined;
}

function failedExit(pods: V1Pod[]): { exitCode?: number; message?: string } {
  for (const pod of pods) {
    const failed = failedContainer(pod);
    if (failed) return failed;
  }
  return {};
}

function pipelineRun(job: V1Job, pods: V1Pod[]): PipelineRun {
  const phase = jobPhase(job);
  const finished = job.status?.completionTime ?? failedAt(job);
  return {
    name: label(job, JobLabels.pipeline) ?? job.metadata?.name ?? '',
    phase,
    startedAt: time(job.status?.startTime ?? job.metadata?.creationTimestamp),
    finishedAt:
      phase === 'Succeeded' || phase === 'Failed' ? time(finished) : undefined,
    ...(phase === 'Failed' ? failedExit(pods) : {}),
  };
}

function failedAt(job: V1Job): Date | undefined {
  const failed = job.status?.conditions?.find(c => c.type === 'Failed');
  return failed?.lastTransitionTime;
}

/** The Pods of a Job (Kubernetes labels them with `job-name`). */
export function podsOf(job: V1Job, pods: V1Pod[]): V1Pod[] {
  const name = job.metadata?.name;
  return pods.filter(
    p =>
      p.metadata?.namespace === job.metadata?.namespace &&
      (p.metadata?.labels?.['job-name'] === name ||
        p.metadata?.ownerReferences?.some(o => o.uid === job.metadata?.uid)),
  );
}

/** A run's id: its workflow and the object hash its Jobs ran for. */
function runKey(job: V1Job): string {
  return [
    label(job, JobLabels.workflowType, JobLabels.workType) ?? 'resource',
    label(job, JobLabels.workflowAction, JobLabels.workAction) ?? 'configure',
    label(job, JobLabels.hash) ?? job.metadata?.uid ?? '',
  ].join('.');
}

function runPhase(pipelines: PipelineRun[]): PipelinePhase {
  if (pipelines.some(p => p.phase === 'Failed')) return 'Failed';
  if (pipelines.some(p => p.phase === 'Running')) return 'Running';
  if (pipelines.some(p => p.phase === 'Pending')) return 'Running';
  return 'Succeeded';
}

/**
 * A workflow run from its pipelines' runs, in order. `generation` is not
 * on Jobs or Pods; runs report 0.
 */
export function workflowRunOf(
  id: string,
  type: WorkflowType,
  action: WorkflowAction,
  pipelines: PipelineRun[],
): WorkflowRun {
  const phase = runPhase(pipelines);
  return {
    id,
    type,
    action,
    generation: 0,
    phase,
    startedAt: pipelines[0].startedAt,
    finishedAt: phase === 'Running' ? undefined : pipelines.at(-1)!.finishedAt,
    pipelines,
  };
}

/**
 * The workflow runs of one object, newest first: its Jobs grouped by
 * workflow and object hash (one Job per pipeline, in creation order).
 */
export function workflowRunsOf(jobs: V1Job[], pods: V1Pod[]): WorkflowRun[] {
  return newestFirst(jobRunsOf(jobs, pods));
}

/** Runs newest first, by when their first pipeline was created. */
export function newestFirst(
  runs: Array<{ run: WorkflowRun; created: number }>,
): WorkflowRun[] {
  return [...runs].sort((a, b) => b.created - a.created).map(r => r.run);
}

/** The workflow runs of Jobs, each with when its first Job was created. */
export function jobRunsOf(
  jobs: V1Job[],
  pods: V1Pod[],
): Array<{ run: WorkflowRun; created: number }> {
  const groups = new Map<string, V1Job[]>();
  // Creation times have whole seconds: a run's Jobs made in one second are
  // ordered by when they started.
  const byCreation = [...jobs].sort(
    (a, b) =>
      created(a) - created(b) ||
      started(a) - started(b) ||
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
  for (const job of byCreation) {
    const key = runKey(job);
    groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  const runs = [...groups].map(([id, group]) => {
    const [type, action] = id.split('.') as [WorkflowType, WorkflowAction];
    const pipelines = group.map(job => pipelineRun(job, podsOf(job, pods)));
    return {
      run: workflowRunOf(id, type, action, pipelines),
      created: created(group[0]),
    };
  });
  return runs;
}

function started(job: V1Job): number {
  const t = job.status?.startTime;
  return t ? new Date(t).getTime() : Infinity;
}

function created(job: V1Job): number {
  const t = job.metadata?.creationTimestamp;
  return t ? new Date(t).getTime() : 0;
}

/** The Jobs of the run with this id. */
export function jobsOfRun(jobs: V1Job[], runId: string): V1Job[] {
  return jobs.filter(job => runKey(job) === runId);
}
