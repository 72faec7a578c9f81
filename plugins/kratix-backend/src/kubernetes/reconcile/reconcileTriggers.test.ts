// Reconcile mode's triggers and limits on a real kube-apiserver (only the
// node is played): a new spec, a Promise change, the manual-reconciliation
// label, the reconcile interval; a pipeline's timeout; a delete cancelling
// the running pipeline's Pod.
import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '../../__testUtils__/startKratix';
import {
  PROMISES,
  apiPromiseYaml,
  reconcileFixture,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(180_000);

const f = reconcileFixture({ name: 'triggers' });
const COUNTERS = { group: 'test.kratix.io', version: 'v1', plural: 'counters' };

/** Each configure run appends a line to <markers>/<name>.runs. */
const counterPromise = (markers: string) =>
  apiPromiseYaml(
    { name: 'counter', kind: 'Counter', plural: 'counters' },
    `    resource:
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
`,
  );

beforeAll(async () => {
  await f.startEngine({
    kratix: {
      runner: { timeout: '4s' },
      engine: { cancelOnSupersede: true, reconcileInterval: '5s' },
    },
  });
  await f.cluster.apply(counterPromise(f.markers));
  await f.promiseAvailable('counter');
});

const runs = (name: string) => {
  const file = path.join(f.markers, `${name}.runs`);
  return fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').trim().split('\n')
    : [];
};

const read = (name: string) => f.read(COUNTERS, name, 'default');

const create = (name: string, spec: object) =>
  f.applyWhenReady(
    JSON.stringify({
      apiVersion: 'test.kratix.io/v1',
      kind: 'Counter',
      metadata: { name, namespace: 'default' },
      spec,
    }),
  );

/** Until the object's workflow ended with `message`; returns the object. */
const statusMessage = (name: string, message: string) =>
  eventually(async () => {
    const o = await read(name);
    const done = o?.status?.observedGeneration === o?.metadata.generation;
    return done && o?.status?.message === message ? o : undefined;
  });

/** Read, change, replace; again on a 409 (the engine writes status too). */
async function update(name: string, change: (o: any) => void) {
  for (let attempt = 1; ; attempt++) {
    const o = await read(name);
    change(o);
    try {
      await f.custom.replaceNamespacedCustomObject({
        ...COUNTERS,
        namespace: 'default',
        name,
        body: o,
      });
      return;
    } catch (e: any) {
      if (e?.code !== 409 || attempt === 5) throw e;
    }
  }
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
  const promise = (await f.custom.getClusterCustomObject({
    ...PROMISES,
    name: 'counter',
  })) as any;
  const container =
    promise.spec.workflows.resource.configure[0].spec.containers[0];
  container.env = container.env.map((e: any) =>
    e.name === 'VERSION' ? { ...e, value: 'v2' } : e,
  );
  await f.custom.replaceClusterCustomObject({
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
  await f.untilGone(() =>
    f.core.readNamespacedPod({ namespace: 'default', name: pod }),
  );
});

it('cancels the running pipeline on delete, then runs the delete pipeline', async () => {
  await create('doomed', { size: 1, sleep: 60 });
  await eventually(async () =>
    runs('doomed').length === 1 ? true : undefined,
  );
  const started = Date.now();
  await f.custom.deleteNamespacedCustomObject({
    ...COUNTERS,
    namespace: 'default',
    name: 'doomed',
  });
  await f.untilGone(() => read('doomed'));
  expect(fs.readFileSync(path.join(f.markers, 'doomed.deleted'), 'utf8')).toBe(
    'deleted\n',
  );
  // The configure Pod was deleted, not waited for (its sleep is 60 s).
  expect(Date.now() - started).toBeLessThan(45_000);
  expect(f.agent.started.filter(p => p.includes('-doomed-'))).toHaveLength(2);
});

/** Paths (relative) of the state store's files named `file`. */
function stateFiles(file: string): string[] {
  const root = path.join(f.dir, 'state');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter(
    p => path.basename(p) === file,
  );
}

it('writes outputs to the state store; a deleted Promise deletes its Resources through their delete pipeline, their outputs, then its CRD', async () => {
  await create('kept', { size: 7 });
  await statusMessage('kept', 'size 7 v2');
  const [output] = stateFiles('kept.yaml');
  expect(output).toContain(
    path.join('resources', 'default', 'counter', 'kept'),
  );
  expect(fs.readFileSync(path.join(f.dir, 'state', output), 'utf8')).toBe(
    'size: 7\n',
  );

  await f.custom.deleteClusterCustomObject({ ...PROMISES, name: 'counter' });
  await f.untilGone(() => f.read(PROMISES, 'counter'));
  expect(fs.existsSync(path.join(f.markers, 'kept.deleted'))).toBe(true);
  expect(stateFiles('kept.yaml')).toEqual([]);
  const crd = await f.cluster.objects
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
  await f.core.createNamespace({
    body: { metadata: { name: 'kratix-platform-system' } },
  });
  await f.cluster.apply(`apiVersion: platform.kratix.io/v1alpha1
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
  const promise = await f.promiseAvailable('platform');
  expect(promise.status.message).toBe('installed platform');
  expect(
    f.agent.started.filter(p => p.startsWith('kratix-platform-system/')),
  ).toHaveLength(1);
  const [output] = stateFiles('platform.yaml');
  expect(output).toContain(path.join('dependencies', 'platform', 'install'));
});
