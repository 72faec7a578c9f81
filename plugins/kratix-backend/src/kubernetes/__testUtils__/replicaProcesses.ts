// Backends in reconcile mode as processes of their own (each a real
// backend), on one Postgres database and the fixture's cluster, with a 3 s
// Lease: replicas a test can crash or freeze. Crashed at teardown.
import path from 'node:path';
import { POSTGRES_ENV } from '../../database/__testUtils__/databases';
import { EngineProcess, spawnEngine } from '../../__testUtils__/spawnEngine';
import { ReconcileFixture } from './reconcileFixture';

export async function replicaProcesses(f: ReconcileFixture) {
  const knex = await f.databases.init('POSTGRES_15');
  const url = new URL(process.env[POSTGRES_ENV]!);
  url.pathname = `/${knex.client.config.connection.database}`;
  const engines: EngineProcess[] = [];
  f.onTeardown(() => Promise.all(engines.map(e => e.crash())));
  return {
    engines,
    /** Starts one; its state store is `state-<name>` in the fixture's folder. */
    async spawn(name: string): Promise<EngineProcess> {
      const engine = await spawnEngine({
        database: {
          client: 'pg',
          connection: `${url}`,
          pluginDivisionMode: 'schema',
        },
        kratix: {
          engine: { pollInterval: '100ms', leaseDuration: '2s' },
          stateStore: { path: path.join(f.dir, `state-${name}`) },
          kubernetes: {
            mode: 'reconcile',
            clusters: [{ name: 'test', kubeconfig: f.cluster.kubeconfig }],
            leaderElection: {
              leaseDurationSeconds: 3,
              renewIntervalSeconds: 1,
            },
          },
        },
      });
      engines.push(engine);
      return engine;
    },
  };
}

/** Who holds the reconcilers' Lease; undefined when none (or no Lease). */
export async function leaseHolder(
  f: ReconcileFixture,
): Promise<string | undefined> {
  const lease = await f.cluster.objects
    .read({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'kratix-backstage-reconciler',
        namespace: 'kratix-platform-system',
      },
    })
    .catch(() => undefined);
  return (lease as any)?.spec?.holderIdentity || undefined;
}
