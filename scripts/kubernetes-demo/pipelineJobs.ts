// Kratix runs each pipeline as a Job (its Pod runs the containers),
// labelled with the Promise, the Resource, the pipeline, the workflow and
// the Resource's hash. Nothing runs Pods on the test API server, so this
// creates the Jobs and Pods with the status they have after the run.
import { createHash } from 'node:crypto';
import { KratixResource } from '@kratix-backstage/plugin-kratix-common';
import { JobLabels } from '../../plugins/kratix-backend/src/kubernetes/pipelineJobs';
import { DemoCluster, mergePatch } from './cluster';
import { PipelineRan } from './kratixStatus';

export async function createPipelineJobs(
  cluster: DemoCluster,
  promise: string,
  resource: KratixResource,
  ran: PipelineRan[],
): Promise<void> {
  const { name, namespace = 'default' } = resource.metadata;
  const hash = createHash('md5')
    .update(JSON.stringify(resource.spec ?? {}))
    .digest('hex');
  for (const [index, run] of ran.entries()) {
    // Kratix starts a pipeline's Job when the one before it ended: runs
    // list pipelines by their Jobs' creation times (whole seconds).
    if (index > 0) await nextSecond();
    const labels = {
      [JobLabels.promise]: promise,
      [JobLabels.resourceName]: name,
      [JobLabels.resourceNamespace]: namespace,
      [JobLabels.pipeline]: run.pipeline.name,
      [JobLabels.workflowType]: 'resource',
      [JobLabels.workflowAction]: 'configure',
      [JobLabels.hash]: hash,
    };
    const prefix = `kratix-${promise}-${name}-${run.pipeline.name}`;
    const jobName = `${prefix.slice(0, 57)}-${hash.slice(0, 5)}`;
    const containers = run.pipeline.containers.map(c => ({
      name: c.name,
      image: c.image,
    }));
    const job = await cluster.batch.createNamespacedJob({
      namespace,
      body: {
        metadata: { name: jobName, labels },
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { labels },
            spec: { restartPolicy: 'Never', containers },
          },
        },
      },
    });
    const started = run.startedAt.toISOString();
    const finished = run.finishedAt.toISOString();
    const condition = {
      status: 'True',
      lastProbeTime: finished,
      lastTransitionTime: finished,
    };
    const status = run.failure
      ? {
          failed: 1,
          conditions: [
            { ...condition, type: 'Failed', reason: 'BackoffLimitExceeded' },
          ],
        }
      : {
          succeeded: 1,
          completionTime: finished,
          conditions: [{ ...condition, type: 'Complete' }],
        };
    await cluster.batch.patchNamespacedJobStatus(
      {
        namespace,
        name: jobName,
        body: { status: { startTime: started, ...status } },
      },
      mergePatch,
    );

    const podName = `${jobName}-${hash.slice(5, 10)}`;
    await cluster.core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: podName,
          labels: { ...labels, 'job-name': jobName },
          ownerReferences: [
            {
              apiVersion: 'batch/v1',
              kind: 'Job',
              name: jobName,
              uid: job.metadata!.uid!,
              controller: true,
            },
          ],
        },
        spec: { restartPolicy: 'Never', containers },
      },
    });
    await cluster.core.patchNamespacedPodStatus(
      {
        namespace,
        name: podName,
        body: {
          status: {
            phase: run.phase,
            startTime: started,
            containerStatuses: containers.map(c => {
              const exitCode =
                c.name === run.failure?.container ? run.failure.exitCode : 0;
              return {
                ...c,
                imageID: '',
                ready: false,
                restartCount: 0,
                state: {
                  terminated: {
                    exitCode,
                    reason: exitCode ? 'Error' : 'Completed',
                    startedAt: started,
                    finishedAt: finished,
                  },
                },
              };
            }),
          },
        },
      },
      mergePatch,
    );
  }
}

function nextSecond(): Promise<void> {
  return new Promise(resolve =>
    setTimeout(resolve, 1010 - (Date.now() % 1000)),
  );
}
