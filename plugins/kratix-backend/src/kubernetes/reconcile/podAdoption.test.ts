// A former leader's Pods, on a real kube-apiserver with the node agent:
// the one whose run is still wanted is adopted and runs once; those of a
// newer generation or of a deleted object are deleted; finished ones stay.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { KratixObject, PipelineRunner } from '../../engine/interfaces';
import { executeWorkflow } from '../../engine/workflow';
import { memoryStateStore } from '../../engine/__testUtils__/fakes';
import { eventually } from '../../__testUtils__/startKratix';
import {
  installPromise,
  promiseFixture,
} from '../__testUtils__/promiseFixture';
import {
  iamPromise,
  reconcileFixture,
} from '../__testUtils__/reconcileFixture';
import { AdoptedRuns, adoptPipelinePods, decidePod } from './podAdoption';

jest.setTimeout(120_000);

const fixture = promiseFixture({
  name: 'iam',
  group: 'example.kratix.io',
  kind: 'IAM',
  plural: 'iams',
});

const pipeline = (name: string, image: string) => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Pipeline',
  metadata: { name },
  spec: { containers: [{ name, image }] },
});

const iam = iamPromise([
  pipeline('create-user', 'create-user:v1'),
  pipeline('populate-vault', 'populate-vault:v1'),
]);

const f = reconcileFixture({
  name: 'adopt',
  scripts: {
    // Long enough for a leader to die meanwhile; a `slow` label waits on.
    'create-user:v1': `set -eu
if grep -q 'slow:' /kratix/input/object.yaml; then sleep 60; fi
sleep 2
printf 'message: user created\\n' > /kratix/metadata/status.yaml
echo created`,
    'populate-vault:v1': `set -eu
grep -q 'message: user created' /kratix/input/object.yaml
printf 'message: vault populated\\n' > /kratix/metadata/status.yaml
echo populated`,
  },
});

beforeAll(() => installPromise(f.cluster, fixture));

const where = (name: string) => ({
  ...fixture.where,
  namespace: 'default',
  name,
});

const readResource = async (name: string) =>
  (await f.custom.getNamespacedCustomObject(where(name))) as KratixObject;

/** Saves the status as a reconciler does: the status subresource. */
async function save(object: KratixObject): Promise<KratixObject> {
  const current = await readResource(object.metadata.name);
  return (await f.custom.replaceNamespacedCustomObjectStatus({
    ...where(object.metadata.name),
    body: { ...current, status: object.status },
  })) as KratixObject;
}

/** A workflow run with `runner` on the Resource as it is on the cluster. */
async function runWorkflow(name: string, runner: PipelineRunner) {
  return executeWorkflow({
    object: await readResource(name),
    promise: iam,
    workflow: { type: 'resource', action: 'configure' },
    runner,
    stateStore: memoryStateStore(),
    destinations: [],
    save,
  });
}

/**
 * A leader that dies right after starting the first pipeline's Pod: the
 * Pod runs on, the object says the pipeline is Running. Returns the Pod.
 */
async function dyingLeader(name: string): Promise<string> {
  const pods: string[] = [];
  const runner = f.podRunner();
  void runWorkflow(name, {
    run: request => {
      // Its watch of the Pod goes nowhere: the process is gone.
      void runner.run(request).catch(() => {});
      return new Promise(() => {});
    },
  });
  return eventually(async () => {
    const list = await f.core.listNamespacedPod({
      namespace: 'default',
      labelSelector: `kratix.io/resource-name=${name}`,
    });
    pods.push(...list.items.map(p => p.metadata!.name!));
    return pods[0];
  }, 10_000);
}

async function createResource(name: string, labels?: object) {
  await f.custom.createNamespacedCustomObject({
    ...where(name),
    body: {
      apiVersion: 'example.kratix.io/v1',
      kind: 'IAM',
      metadata: { name, namespace: 'default', labels },
      spec: { size: 1 },
    },
  });
}

const expectGone = (name: string) =>
  f.untilGone(
    () => f.core.readNamespacedPod({ name, namespace: 'default' }),
    10_000,
  );

describe('adoptPipelinePods', () => {
  it("adopts a former leader's running Pod (run once), deletes superseded and orphaned ones", async () => {
    await createResource('alice');
    await createResource('bob', { slow: 'yes' });
    await createResource('carol', { slow: 'yes' });
    const alicePod = await dyingLeader('alice');
    const bobPod = await dyingLeader('bob');
    const carolPod = await dyingLeader('carol');
    // Since the leader died: bob's spec changed, carol was deleted.
    await f.custom.patchNamespacedCustomObject(
      { ...where('bob'), body: { spec: { size: 2 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await f.custom.deleteNamespacedCustomObject(where('carol'));

    const adopted = new AdoptedRuns();
    const report = await adoptPipelinePods({
      kubeConfig: f.cluster.kubeConfig,
      adopted,
    });
    expect(report).toEqual({
      adopted: [`default/${alicePod}`],
      deleted: expect.arrayContaining([
        {
          pod: `default/${bobPod}`,
          reason: 'its object is at generation 2 now',
        },
        { pod: `default/${carolPod}`, reason: 'its object is gone' },
      ]),
      kept: [],
    });
    expect(report.deleted).toHaveLength(2);
    await expectGone(bobPod);
    await expectGone(carolPod);

    // The new leader runs alice's workflow: create-user is the adopted Pod.
    const result = await runWorkflow('alice', adopted.wrap(f.podRunner()));
    expect(result.outcome).toBe('succeeded');
    expect(result.object.status).toMatchObject({
      message: 'vault populated',
    });
    expect(adopted.size).toBe(0);
    const alicePods = f.agent.started.filter(p => p.includes('-alice-'));
    expect(alicePods).toHaveLength(2);
    expect(alicePods.filter(p => p === `default/${alicePod}`)).toHaveLength(1);

    // Once done, its Pods are history: neither adopted nor deleted.
    const again = await adoptPipelinePods({
      kubeConfig: f.cluster.kubeConfig,
      adopted,
    });
    expect(again.adopted).toEqual([]);
    expect(again.deleted).toEqual([]);
    expect(again.kept.map(k => k.reason).sort()).toEqual([
      "the object's pipeline create-user is Succeeded",
      "the object's pipeline populate-vault is Succeeded",
    ]);
    expect(adopted.size).toBe(0);
  });
});

describe('decidePod', () => {
  const object = (meta: object, phase?: string): KratixObject =>
    ({
      apiVersion: 'example.kratix.io/v1',
      kind: 'IAM',
      metadata: {
        name: 'a',
        namespace: 'default',
        uid: 'u1',
        generation: 3,
        ...meta,
      },
      ...(phase && {
        status: {
          kratix: {
            workflows: {
              pipelines: [{ name: 'p', phase, lastTransitionTime: '' }],
            },
          },
        },
      }),
    } as KratixObject);
  const pod = (finished: boolean, action = 'configure') => ({
    runId: 'r',
    object: {
      apiVersion: 'example.kratix.io/v1',
      kind: 'IAM',
      name: 'a',
      uid: 'u1',
      generation: 3,
    },
    action,
    pipeline: 'p',
    finished,
  });

  it('adopts a Pod of a Running pipeline, finished or not', () => {
    expect(decidePod(pod(false), object({}, 'Running'))).toEqual({
      kind: 'adopt',
    });
    expect(decidePod(pod(true), object({}, 'Running'))).toEqual({
      kind: 'adopt',
    });
  });

  it('deletes a running Pod no longer wanted, keeps a finished one', () => {
    expect(decidePod(pod(true), undefined)).toEqual({
      kind: 'delete',
      reason: 'its object is gone',
    });
    expect(decidePod(pod(false), object({ uid: 'u2' }, 'Running'))).toEqual({
      kind: 'delete',
      reason: 'its object was deleted and created again',
    });
    expect(
      decidePod(pod(false), object({ deletionTimestamp: 'now' }, 'Running')),
    ).toEqual({ kind: 'delete', reason: 'its object is being deleted' });
    expect(
      decidePod(
        pod(false, 'delete'),
        object({ deletionTimestamp: 'now' }, 'Running'),
      ),
    ).toEqual({ kind: 'adopt' });
    expect(decidePod(pod(true), object({ generation: 4 }, 'Running'))).toEqual({
      kind: 'keep',
      reason: 'its object is at generation 4 now',
    });
    expect(decidePod(pod(false), object({}, 'Failed'))).toEqual({
      kind: 'delete',
      reason: "the object's pipeline p is Failed",
    });
    expect(
      decidePod({ ...pod(false), runId: undefined }, object({}, 'Running')),
    ).toEqual({
      kind: 'delete',
      reason: 'it names no run or object of this engine',
    });
  });
});
