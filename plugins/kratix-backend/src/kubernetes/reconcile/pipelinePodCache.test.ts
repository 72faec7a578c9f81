// The leader's watch of its pipeline Pods on a real kube-apiserver (no
// node: Pods stay Pending unless the test sets their phase).
import { V1Pod } from '@kubernetes/client-node';
import { CountingClient } from '../../../bench/apiCalls';
import { eventually } from '../../__testUtils__/startKratix';
import { reconcileFixture } from '../__testUtils__/reconcileFixture';
import { PipelinePodCache } from './pipelinePodCache';
import { MANAGED_BY, RUN_ID_LABEL } from './podPipeline';

jest.setTimeout(120_000);

const f = reconcileFixture({ name: 'pod-cache', nodeAgent: false });
const PIPELINE = { 'kratix.io/pipeline-name': 'build' };

/** A Pod labelled as the engine's (unless `run` is false). */
async function createPod(name: string, run = true): Promise<void> {
  await f.core.createNamespacedPod({
    namespace: 'default',
    body: {
      metadata: {
        name,
        labels: {
          ...PIPELINE,
          ...MANAGED_BY,
          ...(run && { [RUN_ID_LABEL]: name }),
        },
      },
      spec: {
        containers: [
          {
            name: 'main',
            image: 'none',
            env: [{ name: 'BIG', value: 'x'.repeat(10_000) }],
          },
        ],
      },
    },
  });
}

const names = (pods?: V1Pod[]) => pods?.map(p => p.metadata!.name).sort();

function startCache(options = {}) {
  const client = new CountingClient();
  client.counting = true;
  const cache = new PipelinePodCache(
    client.wrap(f.cluster.kubeConfig),
    options,
  );
  f.onTeardown(async () => cache.stop());
  return { cache, client };
}

it("keeps the engine's pipeline Pods, without their spec, by its watch", async () => {
  await createPod('before');
  await createPod('not-ours', false);
  const { cache } = startCache();
  expect(cache.list('default', PIPELINE)).toBeUndefined();
  await cache.start();
  expect(names(cache.list('default', PIPELINE))).toEqual(['before']);
  expect(cache.list('default', PIPELINE)![0].spec).toBeUndefined();
  expect(cache.list('other', PIPELINE)).toEqual([]);

  await createPod('after');
  const pod = await f.core.readNamespacedPod({
    name: 'after',
    namespace: 'default',
  });
  pod.status = { phase: 'Succeeded' };
  await f.core.replaceNamespacedPodStatus({
    name: 'after',
    namespace: 'default',
    body: pod,
  });
  await f.core.deleteNamespacedPod({ name: 'before', namespace: 'default' });
  await eventually(async () => {
    const pods = cache.list('default', PIPELINE);
    return names(pods)?.join() === 'after' &&
      pods![0].status?.phase === 'Succeeded'
      ? true
      : undefined;
  });

  cache.stop();
  expect(cache.list('default', PIPELINE)).toBeUndefined();
});

it('lists again each time the watch ends, and goes on', async () => {
  const { cache, client } = startCache({
    watchTimeoutSeconds: 1,
    relistDelayMs: 100,
  });
  await cache.start();
  await new Promise(r => setTimeout(r, 3000));
  await createPod('later');
  await eventually(async () =>
    names(cache.list('default', PIPELINE))?.includes('later')
      ? true
      : undefined,
  );
  expect(client.counts.get('LIST pods')).toBeGreaterThanOrEqual(2);
});
