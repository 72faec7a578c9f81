// A real kube-apiserver; only the node is played (../__testUtils__/nodeAgent).
// The same engine runs the seeds' iam example with the process runner and
// with Pods, and gets the same status.
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import {
  KratixObject,
  PipelineRunRequest,
  PipelineRunner,
} from '../../engine/interfaces';
import { executeWorkflow, pipelineEnv } from '../../engine/workflow';
import {
  memoryStateStore,
  recordingSave,
} from '../../engine/__testUtils__/fakes';
import { ProcessPipelineRunner } from '../../runner/ProcessPipelineRunner';
import {
  iamPromise,
  reconcileFixture,
} from '../__testUtils__/reconcileFixture';
import { CountingClient } from '../../../bench/apiCalls';
import { startServiceAccountAdmission } from '../__testUtils__/serviceAccountAdmission';
import { PodPipelineRunner } from './PodPipelineRunner';
import { pipelinePodName } from './podPipeline';
import { eventually } from '../../__testUtils__/startKratix';

jest.setTimeout(120_000);

const T = '2024-08-21T10:27:45Z';

/** The seeds' iam Promise: two configure pipelines that merge status. */
const iam = iamPromise(
  [
    {
      apiVersion: 'platform.kratix.io/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'create-user', namespace: 'default' },
      spec: {
        containers: [{ name: 'create-db', image: 'create-db:v0.1.0' }],
      },
    },
    {
      apiVersion: 'platform.kratix.io/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'populate-vault', namespace: 'default' },
      spec: {
        containers: [{ name: 'populate', image: 'populate-vault:v0.1.0' }],
      },
    },
  ],
  { destinationSelectors: [{ matchLabels: { env: 'dev' } }] },
);

const resource: KratixObject = {
  apiVersion: 'example.kratix.io/v1',
  kind: 'IAM',
  metadata: { name: 'alice', namespace: 'default', generation: 1 },
  spec: { team: 'platform' },
};

const f = reconcileFixture({
  name: 'pod',
  scripts: {
    // The first pipeline writes the user and its status.
    'create-db:v0.1.0': `set -eu
grep -q 'name: alice' /kratix/input/object.yaml
mkdir -p /kratix/output/users
printf 'kind: User\\nname: %s\\n' "$KRATIX_OBJECT_NAME" > /kratix/output/users/user.yaml
printf 'iam:\\n  user: admin\\nmessage: User created, next step is to create vault secret for user\\n' > /kratix/metadata/status.yaml
echo created user`,
    // The second sees the first's status in object.yaml.
    'populate-vault:v0.1.0': `set -eu
grep -q 'user: admin' /kratix/input/object.yaml
printf 'message: User created and vault secret created\\niam:\\n  password: <vault-ref>\\n' > /kratix/metadata/status.yaml
echo populated vault`,
    'big:v1': `head -c "$SIZE" /dev/zero > /kratix/output/big`,
    'sleep:v1': 'echo sleeping; sleep 60',
  },
});

async function runIam(runner: PipelineRunner) {
  const stateStore = memoryStateStore();
  const recorder = recordingSave();
  const result = await executeWorkflow({
    object: structuredClone(resource),
    promise: iam,
    workflow: { type: 'resource', action: 'configure' },
    runner,
    stateStore,
    destinations: [{ name: 'dev', labels: { env: 'dev' } }],
    save: recorder.save,
    now: () => new Date(T),
  });
  return { result, writes: stateStore.writes, saved: recorder.saved };
}

/** A request for one pipeline of image `image` (for runner.run directly). */
function request(
  image: string,
  env: Record<string, string> = {},
  extra: Partial<PipelineRunRequest> = {},
): PipelineRunRequest {
  const pipeline = {
    name: image.split(':')[0],
    containers: [
      {
        name: 'main',
        image,
        env: Object.entries(env).map(([name, value]) => ({ name, value })),
      },
    ],
  };
  return {
    runId: `${image}-${Math.random()}`,
    pipeline,
    env: pipelineEnv(
      resource,
      iam,
      { type: 'resource', action: 'configure' },
      pipeline,
    ),
    objectYaml: stringify(resource),
    statusMaxBytes: 4096,
    outputMaxBytes: 64 * 1024,
    collectOutputs: true,
    signal: new AbortController().signal,
    onLog: () => {},
    ...extra,
  };
}

/** Waits (up to 10 s) for the Pod to be deleted. */
const expectGone = (name: string) =>
  f.untilGone(
    () => f.core.readNamespacedPod({ name, namespace: 'default' }),
    10_000,
  );

describe('PodPipelineRunner', () => {
  it("runs the iam example's configure workflow as Pods, with the embedded run's status", async () => {
    const embedded = await runIam(new ProcessPipelineRunner(f.processOptions));
    const logs: string[] = [];
    const onPods = await runIam({
      run: req =>
        f.podRunner().run({
          ...req,
          onLog: (c, chunk) => {
            logs.push(`${c}: ${chunk}`);
            req.onLog(c, chunk);
          },
        }),
    });

    expect(embedded.result.outcome).toBe('succeeded');
    expect(onPods.result.outcome).toBe('succeeded');
    expect(onPods.result.object.status).toEqual(embedded.result.object.status);
    expect(onPods.result.object.status).toMatchObject({
      iam: { user: 'admin', password: '<vault-ref>' },
      message: 'User created and vault secret created',
    });
    expect(onPods.saved.map(o => o.status)).toEqual(
      embedded.saved.map(o => o.status),
    );
    expect(onPods.writes).toEqual(embedded.writes);
    expect(onPods.writes[0].files).toEqual([
      {
        path: 'users/user.yaml',
        content: Buffer.from('kind: User\nname: alice\n'),
      },
    ]);
    expect(logs).toEqual(
      expect.arrayContaining([
        'create-db: created user\n',
        'populate: populated vault\n',
      ]),
    );

    // Labelled as upstream labels its pipeline Jobs' Pods.
    const pods = await f.core.listNamespacedPod({
      namespace: 'default',
      labelSelector:
        'kratix.io/promise-name=iam,kratix.io/resource-name=alice,kratix.io/workflow-type=resource,kratix.io/workflow-action=configure',
    });
    expect(
      pods.items
        .map(p => p.metadata!.labels!['kratix.io/pipeline-name'])
        .sort(),
    ).toEqual(['create-user', 'populate-vault']);
    expect(pods.items.every(p => p.status?.phase === 'Succeeded')).toBe(true);
  });

  it("refuses a pipeline's oversized output with a clear message, as the process runner", async () => {
    const req = request('big:v1', { SIZE: String(100 * 1024) });
    const embedded = await new ProcessPipelineRunner(f.processOptions).run(req);
    const onPod = await f
      .podRunner()
      .run({ ...req, runId: `${req.runId}-pod` });
    expect(embedded).toMatchObject({ succeeded: false });
    expect(onPod).toEqual(embedded);
    expect(onPod).toMatchObject({
      message:
        "the outputs in /kratix/output are more than 65536 bytes in total (kratix.engine.outputMaxBytes); 'big' goes over",
    });
  });

  it('never reads an archive larger than the limits allow', async () => {
    const onPod = await f
      .podRunner()
      .run(request('big:v1', { SIZE: String(3 * 1024 * 1024) }));
    expect(onPod).toMatchObject({
      succeeded: false,
      message: expect.stringMatching(
        /^the pipeline's \/kratix\/metadata and \/kratix\/output files make a \d+-byte archive, more than the \d+ bytes the engine reads/,
      ),
    });
  });

  it('fails with the failing container and its exit code', async () => {
    const req = request('create-db:v0.1.0', {}, { objectYaml: 'name: bob\n' });
    const embedded = await new ProcessPipelineRunner(f.processOptions).run(req);
    const onPod = await f
      .podRunner()
      .run({ ...req, runId: `${req.runId}-pod` });
    expect(onPod).toEqual(embedded);
    expect(onPod).toMatchObject({
      succeeded: false,
      exitCode: 1,
      failedContainer: 'main',
      message: 'Container main exited with code 1',
    });
  });

  it("applies the pipeline's upstream fields, accepted by the API server, with its ServiceAccount and RBAC", async () => {
    const req = request('create-db:v0.1.0');
    req.pipeline = {
      name: 'fields',
      containers: [
        {
          ...req.pipeline.containers[0],
          env: [{ name: 'MODE', value: 'fast' }],
          pod: {
            envFrom: [{ configMapRef: { name: 'settings', optional: true } }],
            volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
            resources: { limits: { memory: '128Mi' } },
            securityContext: { runAsNonRoot: true },
          },
        },
      ],
      pod: {
        imagePullSecrets: [{ name: 'registry' }],
        volumes: [{ name: 'cache', emptyDir: {} }],
        rbac: {
          permissions: [
            { apiGroups: [''], verbs: ['get'], resources: ['configmaps'] },
          ],
        },
      },
    };
    req.env = { ...req.env, KRATIX_PIPELINE_NAME: 'fields' };
    expect(await f.podRunner().run(req)).toMatchObject({ succeeded: true });

    const pods = await f.core.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'kratix.io/pipeline-name=fields',
    });
    const spec = pods.items[0].spec!;
    expect(spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
    expect(spec.serviceAccountName).toBe('iam-resource-configure-fields');
    expect(spec.initContainers![1]).toMatchObject({
      envFrom: [{ configMapRef: { name: 'settings', optional: true } }],
      resources: { limits: { memory: '128Mi' } },
      securityContext: { runAsNonRoot: true },
    });
    const account = await f.core.readNamespacedServiceAccount({
      name: 'iam-resource-configure-fields',
      namespace: 'default',
    });
    expect(account.metadata!.labels).toEqual({
      'kratix.io/promise-name': 'iam',
    });
    const rbac = f.cluster.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const role = await rbac.readNamespacedRole({
      name: 'iam-resource-configure-fields',
      namespace: 'default',
    });
    expect(role.rules).toEqual([
      { apiGroups: [''], verbs: ['get'], resources: ['configmaps'] },
    ]);
  });

  it('adopts the Pod of the same run instead of running it twice', async () => {
    const req = request('create-db:v0.1.0');
    const first = await f.podRunner().run(req);
    const again = await f.podRunner().run(req);
    expect(first).toMatchObject({ succeeded: true });
    expect(again).toEqual(first);
    const name = `default/${pipelinePodName(req)}`;
    await f.core.readNamespacedPod({
      name: pipelinePodName(req),
      namespace: 'default',
    });
    expect(f.agent.started.filter(n => n === name)).toHaveLength(1);
  });

  it('fails with the reason when the API server refuses the Pod, or the object is too large for it', async () => {
    const req = request('create-db:v0.1.0');
    req.pipeline = {
      ...req.pipeline,
      containers: [{ ...req.pipeline.containers[0], name: 'reader' }],
    };
    expect(await f.podRunner().run(req)).toEqual({
      succeeded: false,
      exitCode: 1,
      message: expect.stringMatching(
        /^the pipeline's Pod default\/kratix-iam-alice-create-db-\w+ could not be created: .*Duplicate value: "reader" \(HTTP 422\)$/,
      ),
    });
    const huge = request(
      'create-db:v0.1.0',
      {},
      {
        objectYaml: 'x'.repeat(200 * 1024),
      },
    );
    expect(await f.podRunner().run(huge)).toEqual({
      succeeded: false,
      exitCode: 1,
      message: `the object's YAML is more than ${
        120 * 1024
      } bytes, the most a pipeline Pod's reader takes`,
    });
  });

  it("sends a pipeline's ServiceAccount create once for its runs in one namespace", async () => {
    const client = new CountingClient();
    client.counting = true;
    const runner = f.podRunner({
      kubeConfig: client.wrap(f.cluster.kubeConfig),
    });
    for (const name of ['alice', 'bob']) {
      const req = request('create-db:v0.1.0');
      req.env = { ...req.env, KRATIX_OBJECT_NAME: name };
      expect(await runner.run(req)).toMatchObject({ succeeded: true });
    }
    expect(client.counts.get('POST serviceaccounts')).toBe(1);
    expect(client.counts.get('POST pods')).toBe(2);
  });

  it('makes a ServiceAccount deleted between two runs again, and the second run passes', async () => {
    const stop = await startServiceAccountAdmission(f.cluster);
    try {
      const req = () => {
        const r = request('create-db:v0.1.0');
        r.pipeline = { ...r.pipeline, name: 'account' };
        r.env = { ...r.env, KRATIX_PIPELINE_NAME: 'account' };
        return r;
      };
      const account = {
        name: 'iam-resource-configure-account',
        namespace: 'default',
      };
      // Until the API server calls the webhook: a Pod without its account is refused.
      await eventually(async () => {
        const refused = await f.core
          .createNamespacedPod({
            namespace: 'default',
            body: {
              metadata: { name: 'no-account' },
              spec: {
                serviceAccountName: 'missing',
                containers: [{ name: 'main', image: 'none' }],
              },
            },
          })
          .then(
            () =>
              f.core.deleteNamespacedPod({
                name: 'no-account',
                namespace: 'default',
              }),
            e => e.code === 403,
          );
        return refused === true ? true : undefined;
      });
      const client = new CountingClient();
      client.counting = true;
      const runner = f.podRunner({
        kubeConfig: client.wrap(f.cluster.kubeConfig),
      });
      expect(await runner.run(req())).toMatchObject({ succeeded: true });
      await f.core.deleteNamespacedServiceAccount(account);
      await f.untilGone(() => f.core.readNamespacedServiceAccount(account));

      expect(await runner.run(req())).toMatchObject({ succeeded: true });
      await f.core.readNamespacedServiceAccount(account);
      // Refused once, the account made again, the Pod made.
      expect(client.counts.get('POST serviceaccounts')).toBe(2);
      expect(client.counts.get('POST pods')).toBe(3);
    } finally {
      await stop();
    }
  });

  it('deletes the Pod when cancelled', async () => {
    const controller = new AbortController();
    const req = request('sleep:v1', {}, { signal: controller.signal });
    const running = f.podRunner().run(req);
    let pod;
    for (;;) {
      const pods = await f.core.listNamespacedPod({
        namespace: 'default',
        labelSelector: 'kratix.io/pipeline-name=sleep',
      });
      pod = pods.items[0];
      if (pod?.status?.phase === 'Running') break;
      await new Promise(r => setTimeout(r, 100));
    }
    controller.abort();
    expect(await running).toEqual({
      succeeded: false,
      exitCode: 1,
      message: 'cancelled',
    });
    await expectGone(pod.metadata!.name!);
  });

  it('deletes the Pod when it takes longer than the timeout', async () => {
    const req = request('sleep:v1');
    req.pipeline = { ...req.pipeline, name: 'slow' };
    req.env = { ...req.env, KRATIX_PIPELINE_NAME: 'slow' };
    const runner = new PodPipelineRunner({
      kubeConfig: f.cluster.kubeConfig,
      timeoutMs: 1500,
    });
    const result = await runner.run(req);
    expect(result).toEqual({
      succeeded: false,
      exitCode: 1,
      message: `the pipeline's Pod default/${pipelinePodName(
        req,
      )} did not finish within 1.5s; it was deleted`,
    });
    await expectGone(pipelinePodName(req));
  });
});
