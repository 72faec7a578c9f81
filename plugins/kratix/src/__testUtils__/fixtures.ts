import { Entity } from '@backstage/catalog-model';
import { SignalApi } from '@backstage/plugin-signals-react';
import {
  KRATIX_RESOURCE_REF_ANNOTATION,
  KratixResource,
  KratixStatus,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';
import { act } from '@testing-library/react';
import { mockApis } from '@backstage/frontend-test-utils';
import { KratixClient, kratixApiRef } from '../api';

/** Where the test app's discovery API points the `kratix` plugin. */
export const API = 'http://localhost:7007/api/kratix';
export const RESOURCE_URL = `${API}/promises/postgres/resources/team-a/orders-db`;

export function entityWith(annotation?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders',
      annotations: annotation
        ? { [KRATIX_RESOURCE_REF_ANNOTATION]: annotation }
        : {},
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

/** Three hours ago, RFC 3339 with seconds. */
export const TRANSITION = new Date(Date.now() - 3 * 3600 * 1000)
  .toISOString()
  .replace(/\.\d+Z$/, 'Z');

export function readyStatus(): KratixStatus {
  return {
    message: 'Resource provisioned with database size 10Gb',
    observedGeneration: 2,
    workflows: 3,
    workflowsSucceeded: 3,
    workflowsFailed: 0,
    conditions: [
      {
        type: 'Reconciled',
        status: 'True',
        reason: 'Reconciled',
        message: 'Reconciled',
        lastTransitionTime: TRANSITION,
      },
      {
        type: 'ConfigureWorkflowCompleted',
        status: 'True',
        reason: 'PipelinesExecutedSuccessfully',
        message: 'Pipelines completed',
        lastTransitionTime: TRANSITION,
      },
    ],
    healthRecord: {
      state: 'healthy',
      lastRun: Math.floor(Date.now() / 1000) - 300,
      details: { probe: 'SELECT 1 answered in 12ms' },
    },
    kratix: {
      workflows: {
        pipelines: [
          { name: 'create-db', phase: 'Succeeded' },
          { name: 'create-user', phase: 'Succeeded' },
        ],
      },
    },
    connectionDetails: { host: 'example.com', dbName: 'root' },
    iam: { user: 'admin', password: 's3cr3t-value' },
    replicas: [1, 2],
  };
}

export function runningStatus(): KratixStatus {
  return {
    message: 'Pending',
    conditions: [
      {
        type: 'ConfigureWorkflowCompleted',
        status: 'False',
        reason: 'PipelinesInProgress',
        message: 'Pipelines are still in progress',
        lastTransitionTime: TRANSITION,
      },
      {
        type: 'Reconciled',
        status: 'Unknown',
        reason: 'WorkflowPending',
        message: 'Pending',
        lastTransitionTime: TRANSITION,
      },
    ],
    kratix: {
      workflows: {
        pipelines: [
          { name: 'create-db', phase: 'Succeeded' },
          { name: 'create-user', phase: 'Running', message: 'creating user' },
          { name: 'notify', phase: 'Pending' },
        ],
      },
    },
  };
}

export function resource(status?: KratixStatus): KratixResource {
  return {
    apiVersion: 'marketplace.kratix.io/v1alpha1',
    kind: 'Postgres',
    metadata: {
      name: 'orders-db',
      namespace: 'team-a',
      generation: 2,
      resourceVersion: '10',
    },
    spec: { size: 'small' },
    status,
  };
}

export function runs(): WorkflowRun[] {
  return [
    {
      id: 'run-2',
      type: 'resource',
      action: 'configure',
      generation: 2,
      trigger: 'spec-change',
      phase: 'Failed',
      startedAt: '2025-01-01T10:00:00Z',
      finishedAt: '2025-01-01T10:01:05Z',
      pipelines: [
        {
          name: 'create-db',
          phase: 'Succeeded',
          startedAt: '2025-01-01T10:00:00Z',
          finishedAt: '2025-01-01T10:00:42Z',
          exitCode: 0,
        },
        {
          name: 'create-user',
          phase: 'Failed',
          startedAt: '2025-01-01T10:00:42Z',
          finishedAt: '2025-01-01T10:01:05Z',
          exitCode: 3,
          message: 'container main exited with 3',
        },
      ],
    },
    {
      id: 'run-1',
      type: 'resource',
      action: 'configure',
      generation: 1,
      phase: 'Succeeded',
      startedAt: '2024-12-31T09:00:00Z',
      finishedAt: '2024-12-31T09:00:30Z',
      pipelines: [
        {
          name: 'create-db',
          phase: 'Succeeded',
          startedAt: '2024-12-31T09:00:00Z',
          finishedAt: '2024-12-31T09:00:30Z',
          exitCode: 0,
        },
      ],
    },
  ];
}

/** A signals API the test drives by hand. */
type Listener = Parameters<SignalApi['subscribe']>[1];
type JsonObject = Parameters<Listener>[0];

export class FakeSignalApi implements SignalApi {
  readonly #subscribers = new Map<string, Set<Listener>>();

  subscribe<TMessage extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ) {
    const listener = onMessage as Listener;
    const set = this.#subscribers.get(channel) ?? new Set();
    set.add(listener);
    this.#subscribers.set(channel, set);
    return {
      unsubscribe: () => {
        set.delete(listener);
      },
    };
  }

  channels(): string[] {
    return [...this.#subscribers.entries()]
      .filter(([, set]) => set.size > 0)
      .map(([channel]) => channel);
  }

  publish(channel: string, message: JsonObject) {
    act(() => {
      this.#subscribers.get(channel)?.forEach(fn => fn(message));
    });
  }
}

/** A real KratixClient over msw, for `renderInTestApp({ apis })`. */
export function kratixClientApi() {
  return [
    kratixApiRef,
    new KratixClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      fetchApi: mockApis.fetch(),
    }),
  ] as const;
}
