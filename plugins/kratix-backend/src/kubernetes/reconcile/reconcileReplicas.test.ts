// Two backends in reconcile mode on one cluster and one database (each a
// real backend process): the leader is killed mid-workflow; the other
// takes over through the Lease, adopts the running Pod and finishes the
// workflow, and no pipeline runs twice.
import fs from 'node:fs';
import path from 'node:path';
import { POSTGRES_ENV } from '../../database/__testUtils__/databases';
import { eventually } from '../../__testUtils__/startKratix';
import {
  leaseHolder,
  replicaProcesses,
} from '../__testUtils__/replicaProcesses';
import {
  apiPromiseYaml,
  reconcileFixture,
} from '../__testUtils__/reconcileFixture';

jest.setTimeout(300_000);

const f = reconcileFixture({ name: 'replicas', platformNamespace: true });
// Two processes share the database: Postgres (SQLite is one process's).
const onPostgres = process.env[POSTGRES_ENV] ? describe : describe.skip;

const promiseYaml = (markers: string) =>
  apiPromiseYaml(
    { name: 'relay', kind: 'Relay', plural: 'relays' },
    `    resource:
      configure:
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata: { name: first }
          spec:
            containers:
              - name: first
                image: first:v1
                env: [{ name: MARKERS, value: ${markers} }]
                command: [sh, -c]
                args:
                  - |
                    echo run >> "$MARKERS/first.log"
                    echo "message: first done" > /kratix/metadata/status.yaml
        - apiVersion: platform.kratix.io/v1alpha1
          kind: Pipeline
          metadata: { name: second }
          spec:
            containers:
              - name: second
                image: second:v1
                env: [{ name: MARKERS, value: ${markers} }]
                command: [sh, -c]
                args:
                  - |
                    echo run >> "$MARKERS/second.log"
                    while [ ! -f "$MARKERS/release" ]; do sleep 0.05; done
                    echo "message: second done" > /kratix/metadata/status.yaml
`,
  );

const lines = (file: string) =>
  fs.existsSync(path.join(f.markers, file))
    ? fs.readFileSync(path.join(f.markers, file), 'utf8').trim().split('\n')
    : [];

onPostgres('two replicas on Postgres', () => {
  it('a replica takes over from a killed leader; nothing runs twice', async () => {
    const replicas = await replicaProcesses(f);
    const first = await replicas.spawn('a');
    // The first to start leads: the second starts once the Lease is taken.
    await eventually(() => leaseHolder(f));
    await replicas.spawn('b');

    await f.cluster.apply(promiseYaml(f.markers));
    await eventually(
      () =>
        f.custom
          .createNamespacedCustomObject({
            group: 'test.kratix.io',
            version: 'v1',
            plural: 'relays',
            namespace: 'default',
            body: {
              apiVersion: 'test.kratix.io/v1',
              kind: 'Relay',
              metadata: { name: 'baton', namespace: 'default' },
              spec: { leg: 1 },
            },
          })
          .then(
            () => true,
            () => undefined,
          ),
      30_000,
    );
    // The leader is in the second pipeline: kill it.
    await eventually(
      async () => (lines('second.log').length ? true : undefined),
      60_000,
    );
    await first.crash();
    fs.writeFileSync(path.join(f.markers, 'release'), '');

    const done = await eventually(async () => {
      const r = (await f.custom.getNamespacedCustomObject({
        group: 'test.kratix.io',
        version: 'v1',
        plural: 'relays',
        namespace: 'default',
        name: 'baton',
      })) as any;
      return r.status?.observedGeneration === 1 ? r : undefined;
    }, 60_000);
    expect(done.status.message).toBe('second done');
    expect(lines('first.log')).toEqual(['run']);
    expect(lines('second.log')).toEqual(['run']);
    expect(f.agent.started.filter(p => p.includes('-baton-'))).toHaveLength(2);
  });
});
