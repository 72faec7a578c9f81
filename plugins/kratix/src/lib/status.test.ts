import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import {
  formatDuration,
  formatRelative,
  pipelineStatusKeys,
  resourceHealth,
  sortConditions,
  workflowState,
} from './status';
import { errorKind } from './errors';

describe('workflowState', () => {
  const condition = (type: string, status: string, reason: string) =>
    ({ conditions: [{ type, status, reason }] } as KratixStatus);

  it.each<[string, KratixStatus | undefined, string]>([
    ['no status', undefined, 'unknown'],
    [
      'PipelinesInProgress',
      condition('ConfigureWorkflowCompleted', 'False', 'PipelinesInProgress'),
      'running',
    ],
    [
      'succeeded',
      condition(
        'ConfigureWorkflowCompleted',
        'True',
        'PipelinesExecutedSuccessfully',
      ),
      'succeeded',
    ],
    [
      'failed',
      condition(
        'ConfigureWorkflowCompleted',
        'False',
        'ConfigureWorkflowFailed',
      ),
      'failed',
    ],
    [
      'legacy PipelineCompleted True',
      condition('PipelineCompleted', 'True', 'PipelineExecutedSuccessfully'),
      'succeeded',
    ],
    [
      'legacy PipelineCompleted not completed',
      condition('PipelineCompleted', 'False', 'PipelineNotCompleted'),
      'running',
    ],
    [
      'a Running pipeline beats a stale True condition',
      {
        ...condition('ConfigureWorkflowCompleted', 'True', 'x'),
        kratix: { workflows: { pipelines: [{ name: 'a', phase: 'Running' }] } },
      },
      'running',
    ],
    [
      'Pending pipelines after a failure are not a running workflow',
      {
        ...condition(
          'ConfigureWorkflowCompleted',
          'False',
          'ConfigureWorkflowFailed',
        ),
        kratix: {
          workflows: {
            pipelines: [
              { name: 'a', phase: 'Failed' },
              { name: 'b', phase: 'Pending' },
            ],
          },
        },
      },
      'failed',
    ],
  ])('%s', (_name, status, expected) => {
    expect(workflowState(status)).toBe(expected);
  });
});

describe('sortConditions', () => {
  it('within a status, puts the workflow condition first, legacy after new, and keeps the rest in order', () => {
    const sorted = sortConditions([
      { type: 'Custom', status: 'True' },
      { type: 'Reconciled', status: 'True' },
      { type: 'PipelineCompleted', status: 'True' },
      { type: 'ConfigureWorkflowCompleted', status: 'True' },
      { type: 'Another', status: 'False' },
    ]);
    expect(sorted.map(c => c.type)).toEqual([
      'Another',
      'ConfigureWorkflowCompleted',
      'PipelineCompleted',
      'Reconciled',
      'Custom',
    ]);
  });

  it('puts False first, then Unknown, then True', () => {
    const sorted = sortConditions([
      { type: 'ConfigureWorkflowCompleted', status: 'True' },
      { type: 'Ready', status: 'Unknown' },
      { type: 'Reconciled', status: 'True' },
      { type: 'DatabaseReachable', status: 'False' },
      { type: 'Backup', status: 'Unknown' },
    ]);
    expect(sorted.map(c => `${c.type}=${c.status}`)).toEqual([
      'DatabaseReachable=False',
      'Ready=Unknown',
      'Backup=Unknown',
      'ConfigureWorkflowCompleted=True',
      'Reconciled=True',
    ]);
  });
});

describe('resourceHealth', () => {
  it('prefers healthStatus over healthRecord', () => {
    const health = resourceHealth({
      healthRecord: { state: 'healthy', lastRun: 1 },
      healthStatus: {
        state: 'degraded',
        healthRecords: [
          {
            state: 'degraded',
            lastRun: 5,
            source: { name: 'a', namespace: 'b' },
          },
          {
            state: 'healthy',
            lastRun: 9,
            source: { name: 'c', namespace: 'b' },
          },
        ],
      },
    });
    expect(health?.state).toBe('degraded');
    expect(health?.records).toHaveLength(2);
  });

  it('falls back to healthRecord, and to unknown for an odd state', () => {
    expect(resourceHealth({ healthRecord: { state: 'ready' } })?.state).toBe(
      'ready',
    );
    expect(
      resourceHealth({ healthRecord: { state: 'weird' as any } })?.state,
    ).toBe('unknown');
    expect(resourceHealth({ message: 'x' })).toBeUndefined();
  });
});

describe('pipelineStatusKeys', () => {
  it('keeps only what the pipelines wrote', () => {
    expect(
      Object.keys(
        pipelineStatusKeys({
          message: 'm',
          conditions: [],
          observedGeneration: 1,
          workflows: 1,
          workflowsSucceeded: 1,
          workflowsFailed: 0,
          lastSuccessfulConfigureWorkflowTime: '2025-01-01T12:00:00Z',
          healthRecord: { state: 'ready' },
          healthStatus: { state: 'ready', healthRecords: [] },
          kratix: {},
          connectionDetails: { host: 'h' },
          iam: { user: 'u' },
        }),
      ),
    ).toEqual(['connectionDetails', 'iam']);
  });
});

describe('formatting', () => {
  const now = new Date('2025-01-01T12:00:00Z');

  it('formats relative times', () => {
    expect(formatRelative(new Date('2025-01-01T11:55:00Z'), now)).toBe(
      '5 minutes ago',
    );
    expect(formatRelative(new Date('2024-12-31T12:00:00Z'), now)).toBe(
      'yesterday',
    );
    expect(formatRelative(new Date('2025-01-01T11:59:58Z'), now)).toBe(
      'just now',
    );
  });

  it('formats durations, running ones up to now', () => {
    expect(formatDuration('2025-01-01T10:00:00Z', '2025-01-01T10:01:05Z')).toBe(
      '1m 05s',
    );
    expect(formatDuration('2025-01-01T10:00:00Z', '2025-01-01T10:00:42Z')).toBe(
      '42s',
    );
    expect(formatDuration('2025-01-01T09:00:00Z', undefined, now)).toBe(
      '3h 00m',
    );
    expect(formatDuration(undefined, undefined)).toBeUndefined();
  });
});

describe('errorKind', () => {
  it('reads status codes and error names', () => {
    expect(errorKind({ statusCode: 404 })).toBe('notFound');
    expect(errorKind({ statusCode: 403 })).toBe('forbidden');
    expect(errorKind({ name: 'NotAllowedError' })).toBe('forbidden');
    expect(errorKind(new Error('x'))).toBe('other');
  });

  it('tells a 500, a network failure and an unknown Promise apart', () => {
    expect(errorKind({ statusCode: 500 })).toBe('server');
    expect(errorKind({ statusCode: 503 })).toBe('server');
    expect(errorKind(new TypeError('Failed to fetch'))).toBe('network');
    expect(
      errorKind({
        statusCode: 404,
        body: { error: { message: "Promise 'redis' not found" } },
      }),
    ).toBe('unknownPromise');
    expect(
      errorKind({
        statusCode: 404,
        body: {
          error: { message: "Resource default/x of Promise 'redis' not found" },
        },
      }),
    ).toBe('notFound');
  });
});
