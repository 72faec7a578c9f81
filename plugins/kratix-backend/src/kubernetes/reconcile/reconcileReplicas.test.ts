// Two backends in reconcile mode on one cluster and one database (each a
// real backend process): the leader is killed mid-workflow; the other
// takes over through the Lease, adopts the running Pod and finishes the
// workflow, and no pipeline runs twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import {
  POSTGRES_ENV,
  createTestDatabases,
} from '../../database/__testUtils__/databases';
import {
  eventually,
  sandboxWritableDir,
} from '../../__testUtils__/startKratix';
import { EngineProcess, spawnEngine } from '../../__testUtils__/spawnEngine';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from '../__testUtils__/kubeTestCluster';
import { NodeAgent, startNodeAgent } from '../__testUtils__/nodeAgent';

jest.setTimeout(300_000);

const databases = createTestDatabases();
// Two processes share the database: Postgres (SQLite is one process's).
const onPostgres = process.env[POSTGRES_ENV] ? describe : describe.skip;

const promiseYaml = (
  markers: string,
) => `apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: relay
spec:
  api:
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: { name: relays.test.kratix.io }
    spec:
      group: test.kratix.io
      names: { kind: Relay, plural: relays, singular: relay }
      scope: Namespaced
      versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
  workflows:
    resource:
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
`;

let cluster: KubeTestCluster;
let agent: NodeAgent;
let dir: string;
let markers: string;
const engines: EngineProcess[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-replicas-'));
  markers = sandboxWritableDir(dir, 'markers');
  const agentDir = fs.mkdtempSync(path.join(dir, 'agent-'));
  fs.chmodSync(agentDir, 0o711);
  cluster = await startKubeTestCluster();
  await cluster.apply(
    '{ apiVersion: v1, kind: Namespace, metadata: { name: kratix-platform-system } }',
  );
  agent = await startNodeAgent(cluster, {
    images: {},
    workDir: agentDir,
    sandbox: { writablePaths: [markers] },
  });
});

afterAll(async () => {
  for (const e of engines) await e.crash().catch(() => {});
  await agent?.stop();
  cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string) =>
  fs.existsSync(path.join(markers, file))
    ? fs.readFileSync(path.join(markers, file), 'utf8').trim().split('\n')
    : [];

onPostgres('two replicas on Postgres', () => {
  it('a replica takes over from a killed leader; nothing runs twice', async () => {
    const knex = await databases.init('POSTGRES_15');
    const url = new URL(process.env[POSTGRES_ENV]!);
    url.pathname = `/${knex.client.config.connection.database}`;
    const options = (name: string) => ({
      database: {
        client: 'pg',
        connection: `${url}`,
        pluginDivisionMode: 'schema',
      },
      kratix: {
        engine: { pollInterval: '100ms', leaseDuration: '2s' },
        stateStore: { path: path.join(dir, `state-${name}`) },
        kubernetes: {
          mode: 'reconcile',
          clusters: [{ name: 'test', kubeconfig: cluster.kubeconfig }],
          leaderElection: { leaseDurationSeconds: 3, renewIntervalSeconds: 1 },
        },
      },
    });
    const first = await spawnEngine(options('a'));
    engines.push(first);
    // The first to start leads: the second starts once the Lease is taken.
    await eventually(() =>
      cluster.objects
        .read({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: 'kratix-backstage-reconciler',
            namespace: 'kratix-platform-system',
          },
        })
        .then(
          l => ((l as any).spec?.holderIdentity ? true : undefined),
          () => undefined,
        ),
    );
    const second = await spawnEngine(options('b'));
    engines.push(second);

    await cluster.apply(promiseYaml(markers));
    const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    await eventually(
      () =>
        custom
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
    fs.writeFileSync(path.join(markers, 'release'), '');

    const done = await eventually(async () => {
      const r = (await custom.getNamespacedCustomObject({
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
    expect(agent.started.filter(p => p.includes('-baton-'))).toHaveLength(2);
  });
});
