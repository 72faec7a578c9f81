import ReactDOM from 'react-dom/client';
import { createApp } from '@backstage/frontend-defaults';
import appPlugin from '@backstage/plugin-app';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import {
  ContainerLog,
  KratixPromise,
  KratixResource,
  ResourceRef,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';
import { KratixApi, kratixApiRef } from '../src';
import kratixPlugin from '../src/alpha';
import { EntityKratixContent } from '../src/components/EntityKratixContent';
import { EntityKratixStatusCard } from '../src/components/EntityKratixStatusCard';

// A fake backend so the plugin runs alone: `yarn start` in plugins/kratix.
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const started = Date.now();

class FakeKratixApi implements KratixApi {
  async listClusters(): Promise<string[]> {
    return [];
  }
  async listPromises(): Promise<KratixPromise[]> {
    return [
      {
        apiVersion: 'platform.kratix.io/v1alpha1',
        kind: 'Promise',
        metadata: { name: 'postgres' },
        spec: {
          api: {
            spec: {
              group: 'marketplace.kratix.io',
              names: { kind: 'Postgres' },
              versions: [{ name: 'v1alpha1', served: true, storage: true }],
            },
          },
        },
        status: { message: 'Promise available' },
      },
    ];
  }
  async listResources() {
    const ref = { promise: 'postgres', namespace: 'default' };
    return {
      items: await Promise.all(
        ['orders-db', 'billing-db'].map(name =>
          this.getResource({ ...ref, name }),
        ),
      ),
    };
  }
  async getResource(ref: ResourceRef): Promise<KratixResource> {
    const elapsed = (Date.now() - started) / 1000;
    const running = elapsed % 60 < 20;
    return {
      apiVersion: 'marketplace.kratix.io/v1alpha1',
      kind: 'Postgres',
      metadata: {
        name: ref.name,
        namespace: ref.namespace,
        generation: 2,
        resourceVersion: String(Math.floor(elapsed)),
      },
      spec: { size: 'small' },
      status: {
        message: running ? 'Provisioning database' : 'Database ready',
        conditions: [
          {
            type: 'ConfigureWorkflowCompleted',
            status: running ? 'False' : 'True',
            reason: running
              ? 'PipelinesInProgress'
              : 'PipelinesExecutedSuccessfully',
            message: running
              ? 'Pipelines are still in progress'
              : 'Pipelines completed',
            lastTransitionTime: now(),
          },
          {
            type: 'Reconciled',
            status: running ? 'Unknown' : 'True',
            reason: running ? 'WorkflowPending' : 'Reconciled',
            message: running ? 'Pending' : 'Reconciled',
            lastTransitionTime: now(),
          },
        ],
        healthRecord: {
          state: running ? 'degraded' : 'healthy',
          lastRun: Math.floor(Date.now() / 1000) - 90,
          details: { probe: 'SELECT 1', latencyMs: 12 },
        },
        kratix: {
          workflows: {
            pipelines: [
              { name: 'create-db', phase: 'Succeeded' },
              { name: 'create-user', phase: running ? 'Running' : 'Succeeded' },
            ],
          },
        },
        connectionDetails: { host: 'db.example.com', dbName: 'app' },
        iam: { user: 'app', password: 'not-a-real-secret' },
      },
    };
  }
  async listRuns(): Promise<WorkflowRun[]> {
    return [
      {
        id: 'run-2',
        type: 'resource',
        action: 'configure',
        generation: 2,
        phase: 'Succeeded',
        startedAt: new Date(started - 120_000).toISOString(),
        finishedAt: new Date(started - 60_000).toISOString(),
        pipelines: [
          { name: 'create-db', phase: 'Succeeded', exitCode: 0 },
          { name: 'create-user', phase: 'Succeeded', exitCode: 0 },
        ],
      },
    ];
  }
  async getRunLogs(_ref: ResourceRef, runId: string): Promise<ContainerLog[]> {
    return [
      {
        pipeline: 'create-db',
        container: 'main',
        log: `run ${runId}: creating database...\ndone\n`,
        truncated: false,
      },
    ];
  }
  async reconcile(): Promise<void> {}
}

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders-db',
    annotations: { 'kratix.io/resource-ref': 'postgres/default/orders-db' },
  },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'guests' },
};

const devModule = createFrontendModule({
  pluginId: 'kratix',
  extensions: [
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: kratixApiRef,
          deps: {},
          factory: () => new FakeKratixApi(),
        }),
    }),
    PageBlueprint.make({
      name: 'dev',
      params: {
        path: '/kratix-dev',
        title: 'Kratix (dev)',
        loader: async () => (
          <EntityProvider entity={entity}>
            <Grid container spacing={3}>
              <Grid item xs={12} md={6}>
                <EntityKratixStatusCard pollIntervalMs={5000} />
              </Grid>
              <Grid item xs={12}>
                <EntityKratixContent pollIntervalMs={5000} />
              </Grid>
            </Grid>
          </EntityProvider>
        ),
      },
    }),
  ],
});

// A dev app as frontend-dev-utils makes one (its newest in the registry here,
// 0.1.6, is built on frontend-plugin-api 0.18): no sign-in page.
const app = createApp({
  features: [
    appPlugin.withOverrides({
      extensions: [
        appPlugin.getExtension('sign-in-page:app').override({ disabled: true }),
      ],
    }),
    kratixPlugin,
    devModule,
  ],
});
ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
