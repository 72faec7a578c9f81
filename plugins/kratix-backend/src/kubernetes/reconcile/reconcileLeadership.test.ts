// Reconcile mode runs only while its Leadership gate says so: a follower
// touches nothing on the cluster; becoming the leader, it catches up.
import { ConfigReader } from '@backstage/config';
import { CustomObjectsApi } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readKratixConfig } from '../../config';
import {
  createStore,
  createTestDatabases,
} from '../../database/__testUtils__/databases';
import { eventually } from '../../__testUtils__/startKratix';
import {
  KubeTestCluster,
  startKubeTestCluster,
} from '../__testUtils__/kubeTestCluster';
import { createReconcileEngine } from './reconcileEngine';
import { Leadership } from './leadership';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const PROMISES = {
  group: 'platform.kratix.io',
  version: 'v1alpha1',
  plural: 'promises',
};

const quietLogger: any = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => quietLogger,
};

/** A gate the test switches. */
function manualGate() {
  let leader = false;
  const listeners = new Set<(leader: boolean) => void>();
  const gate: Leadership & { set(value: boolean): void } = {
    isLeader: () => leader,
    onLeadershipChange: l => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    set: value => {
      leader = value;
      for (const l of listeners) l(value);
    },
  };
  return gate;
}

let cluster: KubeTestCluster;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kratix-leadership-'));
  cluster = await startKubeTestCluster();
});

afterAll(async () => {
  cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const settle = (ms: number) => new Promise(r => setTimeout(r, ms));

it('reconciles only while leading', async () => {
  const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  const gate = manualGate();
  const { store } = await createStore(databases, 'SQLITE_3');
  const engine = await createReconcileEngine({
    cluster: { name: 'test', kubeConfig: cluster.kubeConfig },
    config: readKratixConfig(
      new ConfigReader({
        kratix: {
          stateStore: { path: path.join(dir, 'state') },
          engine: { pollInterval: '50ms', leaseDuration: '2s' },
        },
      }),
    ),
    database: { store },
    logger: quietLogger,
    leadership: gate,
    sweepMs: 100,
  });
  await engine.start();
  try {
    await cluster.apply(`apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: plain
spec: {}
`);
    const read = () =>
      custom.getClusterCustomObject({ ...PROMISES, name: 'plain' }) as any;
    await settle(1500);
    const untouched = await read();
    expect(untouched.metadata.finalizers).toBeUndefined();
    expect(untouched.status).toBeUndefined();

    gate.set(true);
    const available = await eventually(async () => {
      const p = await read();
      return p.status?.status === 'Available' ? p : undefined;
    });
    expect(available.metadata.finalizers).toContain(
      'kratix.io/api-crd-cleanup',
    );

    // A follower again: a manual reconciliation waits for the next leader.
    gate.set(false);
    await settle(300);
    available.metadata.labels = { 'kratix.io/manual-reconciliation': 'true' };
    await custom.replaceClusterCustomObject({
      ...PROMISES,
      name: 'plain',
      body: available,
    });
    await settle(1500);
    expect((await read()).metadata.labels).toEqual({
      'kratix.io/manual-reconciliation': 'true',
    });
    gate.set(true);
    await eventually(async () => {
      const p = await read();
      return p.metadata.labels?.['kratix.io/manual-reconciliation']
        ? undefined
        : true;
    });
  } finally {
    await engine.stop();
  }
});
