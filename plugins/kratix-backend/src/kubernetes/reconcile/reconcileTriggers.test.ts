// Reconcile mode's triggers and limits on a real kube-apiserver (only the
// node is played): a new spec, a Promise change, the manual-reconciliation
// label, the reconcile interval; a pipeline's timeout; a delete cancelling
// the running pipeline's Pod.
import { ConfigReader } from '@backstage/config';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readKratixConfig } from '../../config';
import {
  createStore,
  createTestDatabases,
} from '../../database/__testUtils__/databases';
import {
  eventually,
  sandboxWritableDir,
} from '../../__testUtils__/startKratix';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from '../__testUtils__/kubeTestCluster';
import { NodeAgent, startNodeAgent } from '../__testUtils__/nodeAgent';
import { createReconcileEngine } from './reconcileEngine';

jest.setTimeout(180_000);

const databases = createTestDatabases();
const COUNTERS = { group: 'test.kratix.io', version: 'v1', plural: 'counters' };
const PROMISES = {
  group: 'platform.kratix.io',
  version: 'v1alpha1',
  plural: 'promises',
};

/** Each configure run appends a line to <markers>/<name>.runs. */
const counterPromise = (
  markers: string,
) => `apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: counter
spec:
  api:
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: counters.test.kratix.io
    spec:
      group: test.kratix.io
      names: { kind: Counter, plural: counters, singular: counter }
      scope: Namespaced
      versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
  workflows:
    resource:
      configure:
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata: { name: count }
          spec:
            containers:
              - name: count
                image: count:v1
                env:
                  - { name: MARKERS, value: ${markers} }
                  - { name: VERSION, value: v1 }
                command: [sh, -c]
                args:
                  - |
                    echo "$VERSION" >> "$MARKERS/$KRATIX_OBJECT_NAME.runs"
                    wait=$(sed -n 's/^  sleep: //p' /kratix/input/object.yaml)
                    if [ -n "$wait" ]; then sleep "$wait"; fi
                    size=$(sed -n 's/^  size: //p' /kratix/input/object.yaml)
                    echo "message: size $size $VERSION" > /kratix/metadata/status.yaml
                    echo "size: $size" > "/kratix/output/$KRATIX_OBJECT_NAME.yaml"
      delete:
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata: { name: forget }
          spec:
            containers:
              - name: forget
                image: forget:v1
                env: [{ name: MARKERS, value: ${markers} }]
                command: [sh, -c, 'echo deleted > "$MARKERS/$KRATIX_OBJECT_NAME.deleted"']
`;

const quietLogger: any = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => quietLogger,
};

let cluster: KubeTestCluster;
let agent: NodeAgent;
let custom: CustomObjectsApi;
let core: CoreV1Api;
let dir: string;
let markers: string;
let engine: Awaited<ReturnType<typeof createReconcileEngine>>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-triggers-'));
  markers = sandboxWritableDir(dir, 'markers');
  const agentDir = fs.mkdtempSync(path.join(dir, 'agent-'));
  fs.chmodSync(agentDir, 0o711);
  cluster = await startKubeTestCluster();
  custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  agent = await startNodeAgent(cluster, {
    images: {},
    workDir: agentDir,
    sandbox: { writablePaths: [markers] },
  });
  const { store } = await createStore(databases, 'SQLITE_3');
  const config = readKratixConfig(
    new ConfigReader({
      kratix: {
        stateStore: { path: path.join(dir, 'state') },
        runner: { timeout: '4s' },
        engine: {
          pollInterval: '50ms',
          leaseDuration: '2s',
          cancelOnSupersede: true,
          reconcileInterval: '5s',
        },
      },
    }),
  );
  engine = await createReconcileEngine({
    cluster: { name: 'test', kubeConfig: cluster.kubeConfig },
    config,
    database: { store },
    logger: quietLogger,
    sweepMs: 200,
  });
  await engine.start();
  await cluster.apply(counterPromise(markers));
  await eventually(async () => {
    const p = (await custom.getClusterCustomObject({
      ...PROMISES,
      name: 'counter',
    })) as any;
    return p.status?.status === 'Available' ? true : undefined;
  });
});

afterAll(async () => {
  await engine?.stop();
  await agent?.stop();
  cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const runs = (name: string) => {
  const file = path.join(markers, `${name}.runs`);
  return fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').trim().split('\n')
    : [];
};

const read = (name: string) =>
  custom
    .getNamespacedCustomObject({ ...COUNTERS, namespace: 'default', name })
    .then(
      o => o as any,
      e => {
        if (e.code === 404) return null;
        throw e;
      },
    );

async function create(name: string, spec: object) {
  await eventually(() =>
    custom
      .createNamespacedCustomObject({
        ...COUNTERS,
        namespace: 'default',
        body: {
          apiVersion: 'test.kratix.io/v1',
          kind: 'Counter',
          metadata: { name, namespace: 'default' },
          spec,
        },
      })
      .then(
        () => true,
        () => undefined,
      ),
  );
}

/** Until the object's workflow ended with `message`; returns the object. */
const statusMessage = (name: string, message: string) =>
  eventually(async () => {
    const o = await read(name);
    const done = o?.status?.observedGeneration === o?.metadata.generation;
    return done && o?.status?.message === message ? o : undefined;
  });

async function update(name: string, change: (o: any) => void) {
  const o = await read(name);
  change(o);
  await custom.replaceNamespacedCustomObject({
    ...COUNTERS,
    namespace: 'default',
    name,
    body: o,
  });
}

it('runs again on a new spec, on the manual-reconciliation label (then removed), and on the interval', async () => {
  await create('a', { size: 1 });
  await statusMessage('a', 'size 1 v1');
  expect(runs('a')).toHaveLength(1);

  await update('a', o => {
    o.spec.size = 2;
  });
  const second = await statusMessage('a', 'size 2 v1');
  expect(second.status.observedGeneration).toBe(2);
  expect(runs('a')).toHaveLength(2);

  await update('a', o => {
    o.metadata.labels = { 'kratix.io/manual-reconciliation': 'true' };
  });
  const manual = await eventually(async () => {
    const o = await read('a');
    return runs('a').length === 3 &&
      !o?.metadata.labels?.['kratix.io/manual-reconciliation']
      ? o
      : undefined;
  });
  expect(manual.metadata.generation).toBe(2);

  // The reconcile interval (5 s here) runs it once more, unasked.
  await eventually(
    async () => (runs('a').length >= 4 ? true : undefined),
    15_000,
  );
});

it("runs a Promise's Resources again when the Promise changes", async () => {
  await create('b', { size: 1 });
  await statusMessage('b', 'size 1 v1');
  const promise = (await custom.getClusterCustomObject({
    ...PROMISES,
    name: 'counter',
  })) as any;
  const container =
    promise.spec.workflows.resource.configure[0].spec.containers[0];
  container.env = container.env.map((e: any) =>
    e.name === 'VERSION' ? { ...e, value: 'v2' } : e,
  );
  await custom.replaceClusterCustomObject({
    ...PROMISES,
    name: 'counter',
    body: promise,
  });
  await statusMessage('b', 'size 1 v2');
  expect(runs('b')).toEqual(['v1', 'v2']);
});

it('fails a pipeline that outlives its timeout, deleting its Pod', async () => {
  await create('slow', { size: 1, sleep: 60 });
  const failed = await eventually(async () => {
    const o = await read('slow');
    return JSON.stringify(o?.status ?? {}).includes('did not finish')
      ? o
      : undefined;
  }, 30_000);
  expect(JSON.stringify(failed.status)).toContain('did not finish within 4s');
  // That Pod is deleted (a later run of the workflow has its own Pod).
  const pod = /Pod default\/(\S+) did not finish/.exec(
    JSON.stringify(failed.status),
  )![1];
  await eventually(() =>
    core.readNamespacedPod({ namespace: 'default', name: pod }).then(
      () => undefined,
      e => (e.code === 404 ? true : undefined),
    ),
  );
});

it('cancels the running pipeline on delete, then runs the delete pipeline', async () => {
  await create('doomed', { size: 1, sleep: 3 });
  await eventually(async () =>
    runs('doomed').length === 1 ? true : undefined,
  );
  const started = Date.now();
  await custom.deleteNamespacedCustomObject({
    ...COUNTERS,
    namespace: 'default',
    name: 'doomed',
  });
  await eventually(async () =>
    (await read('doomed')) === null ? true : undefined,
  );
  expect(fs.readFileSync(path.join(markers, 'doomed.deleted'), 'utf8')).toBe(
    'deleted\n',
  );
  // The configure Pod was deleted, not waited for (its sleep is 3 s).
  expect(Date.now() - started).toBeLessThan(3000);
  expect(agent.started.filter(p => p.includes('-doomed-'))).toHaveLength(2);
});

/** Paths (relative) of the state store's files named `file`. */
function stateFiles(file: string): string[] {
  const root = path.join(dir, 'state');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter(
    f => path.basename(f) === file,
  );
}

it('writes outputs to the state store; a deleted Promise deletes its Resources through their delete pipeline, their outputs, then its CRD', async () => {
  await create('kept', { size: 7 });
  await statusMessage('kept', 'size 7 v2');
  const [output] = stateFiles('kept.yaml');
  expect(output).toContain(
    path.join('resources', 'default', 'counter', 'kept'),
  );
  expect(fs.readFileSync(path.join(dir, 'state', output), 'utf8')).toBe(
    'size: 7\n',
  );

  await custom.deleteClusterCustomObject({ ...PROMISES, name: 'counter' });
  await eventually(async () =>
    custom.getClusterCustomObject({ ...PROMISES, name: 'counter' }).then(
      () => undefined,
      e => (e.code === 404 ? true : undefined),
    ),
  );
  expect(fs.existsSync(path.join(markers, 'kept.deleted'))).toBe(true);
  expect(stateFiles('kept.yaml')).toEqual([]);
  const crd = await cluster.objects
    .read({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'counters.test.kratix.io' },
    })
    .then(
      c => c as any,
      e => (e.code === 404 ? null : Promise.reject(e)),
    );
  // Gone, or going (the API server removes its objects first).
  expect(crd === null || crd.metadata.deletionTimestamp).toBeTruthy();
});

it("runs a Promise's own configure workflow as a Pod in kratix-platform-system", async () => {
  await core.createNamespace({
    body: { metadata: { name: 'kratix-platform-system' } },
  });
  await cluster.apply(`apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: platform
spec:
  workflows:
    promise:
      configure:
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata: { name: install }
          spec:
            containers:
              - name: install
                image: install:v1
                command: [sh, -c]
                args:
                  - |
                    echo "message: installed $KRATIX_PROMISE_NAME" > /kratix/metadata/status.yaml
                    echo "kind: Namespace" > /kratix/output/platform.yaml
`);
  const promise = await eventually(async () => {
    const p = (await custom.getClusterCustomObject({
      ...PROMISES,
      name: 'platform',
    })) as any;
    return p.status?.status === 'Available' ? p : undefined;
  });
  expect(promise.status.message).toBe('installed platform');
  expect(
    agent.started.filter(p => p.startsWith('kratix-platform-system/')),
  ).toHaveLength(1);
  const [output] = stateFiles('platform.yaml');
  expect(output).toContain(path.join('dependencies', 'platform', 'install'));
});
