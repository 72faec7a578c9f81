// The engine's metrics, read by a real OpenTelemetry SDK through
// Backstage's own metrics service, from real workflow runs.
import request from 'supertest';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import {
  configureCondition,
  scriptPromise,
} from '../__testUtils__/scriptPromise';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A fresh global meter provider; the plugin's meter comes from it. */
function meterProvider() {
  const exporter = new InMemoryMetricExporter(
    AggregationTemporality.CUMULATIVE,
  );
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 3_600_000, // only when the test flushes
  });
  metrics.disable();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  return { exporter, reader };
}
afterAll(() => metrics.disable());

async function collected({
  exporter,
  reader,
}: ReturnType<typeof meterProvider>): Promise<Map<string, MetricData>> {
  exporter.reset();
  await reader.forceFlush();
  const found = new Map<string, MetricData>();
  for (const resource of exporter.getMetrics()) {
    for (const scope of resource.scopeMetrics) {
      if (scope.scope.name !== 'backstage-plugin-kratix') continue;
      for (const metric of scope.metrics) {
        found.set(metric.descriptor.name, metric);
      }
    }
  }
  return found;
}

/** Data points as `attributes => value`, attributes sorted, as JSON. */
function points(metric: MetricData | undefined, value: (v: any) => unknown) {
  return Object.fromEntries(
    (metric?.dataPoints ?? []).map(p => [
      JSON.stringify(Object.fromEntries(Object.entries(p.attributes).sort())),
      value(p.value),
    ]),
  );
}

describe.each(databases.eachSupportedId())('WorkflowMetrics on %p', id => {
  it('counts workflows by outcome, times pipelines by phase, and reports the backlog', async () => {
    const provider = meterProvider();
    const { server, stop } = await startKratix(databases, id, {
      features: [metricsServiceFactory],
    });
    const api = () => request(server);
    const base = '/api/kratix/promises/two';
    try {
      await api()
        .put(base)
        .send(
          scriptPromise('two', [
            { name: 'first', script: 'true' },
            { name: 'second', script: '[ "$KRATIX_OBJECT_NAME" != bad ]' },
          ]),
        )
        .expect(201);
      for (const name of ['good', 'bad']) {
        await api()
          .put(`${base}/resources/default/${name}`)
          .send({ spec: {} })
          .expect(201);
      }
      for (const [name, status] of [
        ['good', 'True'],
        ['bad', 'False'],
      ]) {
        await eventually(async () => {
          const res = await api().get(`${base}/resources/default/${name}`);
          const c = configureCondition(res.body);
          return c?.status === status && c.reason !== 'PipelinesInProgress'
            ? true
            : undefined;
        });
      }

      const found = await collected(provider);
      const resource = {
        action: 'configure',
        promise: 'two',
        type: 'resource',
      };
      const key = (extra: object) =>
        JSON.stringify(
          Object.fromEntries(Object.entries({ ...resource, ...extra }).sort()),
        );
      const runs = points(found.get('kratix.workflow.runs'), v => v);
      expect(runs[key({ outcome: 'succeeded' })]).toBe(1);
      expect(runs[key({ outcome: 'failed' })]).toBe(1);
      const durations = points(
        found.get('kratix.workflow.duration'),
        v => v.count,
      );
      expect(durations[key({ outcome: 'succeeded' })]).toBe(1);
      expect(found.get('kratix.workflow.duration')?.descriptor.unit).toBe('s');

      const pipelines = points(
        found.get('kratix.pipeline.duration'),
        v => v.count,
      );
      expect(pipelines[key({ pipeline: 'first', phase: 'Succeeded' })]).toBe(2);
      expect(pipelines[key({ pipeline: 'second', phase: 'Succeeded' })]).toBe(
        1,
      );
      expect(pipelines[key({ pipeline: 'second', phase: 'Failed' })]).toBe(1);

      const running = points(found.get('kratix.workflows.running'), v => v);
      expect(
        running[JSON.stringify({ action: 'configure', type: 'resource' })],
      ).toBe(0);
      // Nothing waits for a worker any more.
      expect(points(found.get('kratix.queue.claimable'), v => v)).toEqual({
        '{}': 0,
      });
    } finally {
      await stop();
    }
  });
});
