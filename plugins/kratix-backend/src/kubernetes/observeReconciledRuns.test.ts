// The observe side reads the runs that reconcile mode executed: a backend
// in observe mode, on a cluster where a reconcile-mode engine ran a
// Resource's workflow as bare Pods (no Jobs), lists that run with its
// pipelines, exit codes and logs. Real kube-apiserver; only the node is
// played.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import request from 'supertest';
import { eventually } from '../__testUtils__/startKratix';
import {
  reconcileFixture,
  resourceWorkflows,
  shContainer,
  testApi,
} from './__testUtils__/reconcileFixture';
import { startClusterBackend } from './__testUtils__/promiseFixture';

jest.setTimeout(180_000);

const f = reconcileFixture({ name: 'observe-pods' });
const ECHOES = testApi('echoes');

/** Two configure pipelines; the second fails when the spec says `fail`. */
const echoWorkflows = resourceWorkflows({
  configure: {
    first: `              - name: say
                image: say:v1
                command: [sh, -c, 'echo "hello from first, $KRATIX_OBJECT_NAME"']`,
    second: shContainer(
      'check',
      'check:v1',
      'echo "second for $KRATIX_OBJECT_NAME"',
      "if grep -q 'fail: true' /kratix/input/object.yaml; then exit 3; fi",
      "echo 'message: echoed' > /kratix/metadata/status.yaml",
    ),
  },
});

let backend: Awaited<ReturnType<typeof startClusterBackend>>;

beforeAll(async () => {
  await f.startEngine();
  await f.applyPromise(
    { name: 'echo', kind: 'Echo', plural: 'echoes' },
    echoWorkflows,
  );
  backend = await startClusterBackend([
    { name: 'test', kubeconfig: f.cluster.kubeconfig },
  ]);
});

afterAll(async () => {
  await backend?.stop();
});

const create = (name: string, spec: object) =>
  f.applyResource('Echo', name, spec);

const path = (name: string) =>
  `/api/kratix/promises/echo/resources/default/${name}`;

/** The observe backend's runs of a Resource, once `done` holds. */
const observedRuns = (name: string, done: (runs: any[]) => boolean) =>
  eventually(async () => {
    const res = await request(backend.server).get(`${path(name)}/runs`);
    return res.status === 200 && done(res.body.items ?? res.body)
      ? res.body.items ?? res.body
      : undefined;
  });

it('lists a run that reconcile mode executed as Pods, with its logs', async () => {
  await create('a', { size: 1 });
  await eventually(async () => {
    const o = await f.read(ECHOES, 'a', 'default');
    return o?.status?.message === 'echoed' ? o : undefined;
  });
  // Reconcile mode ran Pods, never Jobs.
  const pods = await f.core.listNamespacedPod({
    namespace: 'default',
    labelSelector: 'kratix.io/promise-name=echo,kratix.io/resource-name=a',
  });
  expect(pods.items).toHaveLength(2);

  const runs = await observedRuns(
    'a',
    r => r.length === 1 && r[0].phase === 'Succeeded',
  );
  expect(runs[0]).toMatchObject({
    type: 'resource',
    action: 'configure',
    generation: 1,
    phase: 'Succeeded',
    pipelines: [
      { name: 'first', phase: 'Succeeded' },
      { name: 'second', phase: 'Succeeded' },
    ],
  });
  expect(runs[0].finishedAt).toEqual(expect.any(String));

  const logs = await request(backend.server)
    .get(`${path('a')}/runs/${runs[0].id}/logs`)
    .expect(200);
  const items = logs.body.items ?? logs.body;
  // The pipeline's containers, not the engine's reader and collector.
  expect(
    items.map((l: any) => [l.pipeline, l.container, l.log.trim()]),
  ).toEqual([
    ['first', 'say', 'hello from first, a'],
    ['second', 'check', 'second for a'],
  ]);
});

it('shows a failed pipeline with its exit code, and a later run apart', async () => {
  await create('b', { fail: true });
  const failed = await observedRuns(
    'b',
    r => r.length >= 1 && r.at(-1).phase === 'Failed',
  );
  expect(failed.at(-1)).toMatchObject({
    phase: 'Failed',
    pipelines: [
      { name: 'first', phase: 'Succeeded' },
      {
        name: 'second',
        phase: 'Failed',
        exitCode: 3,
        message: 'Container check exited with code 3 (Error)',
      },
    ],
  });

  // Fixed: a new run, listed first; the failed one stays as it was.
  // A merge patch: the engine writes b's status meanwhile (no 409).
  await f.custom.patchNamespacedCustomObject(
    {
      ...ECHOES,
      namespace: 'default',
      name: 'b',
      body: { spec: { fail: false } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const runs = await observedRuns(
    'b',
    r => r.length >= 2 && r[0].phase !== 'Running',
  );
  expect(runs[0].pipelines.map((p: any) => p.phase)).toEqual([
    'Succeeded',
    'Succeeded',
  ]);
  expect(runs[0].generation).toBe(2);
  expect(runs.at(-1)).toMatchObject({ phase: 'Failed', generation: 1 });
  expect(new Set(runs.map((r: any) => r.id)).size).toBe(runs.length);
});
