// Issue 10: a status that grew past the events bus's 5 MB request limit
// wedged its Resource: every save failed to publish, the reconcile retried
// for ever and even a DELETE never completed. The merged status is capped
// (kratix.engine.statusMaxBytes) and publishing is best-effort.
import request from 'supertest';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { WorkflowRun } from '@kratix-backstage/plugin-kratix-common';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import {
  configureCondition,
  isConfigured,
  scriptPromise,
} from '../__testUtils__/scriptPromise';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const MiB = 1024 * 1024;
/** The events backend's JSON body limit (express.json({ limit: '5mb' })). */
const EVENT_BUS_MAX_BYTES = 5 * MiB;
const PART_BYTES = 700_000;
const promiseUrl = '/api/kratix/promises/big';
const url = `${promiseUrl}/resources/default/thing`;

/** Pipeline `grow-<n>` adds a key `part<n>` of 700 kB to the status. */
const grow = (n: number) => ({
  name: `grow-${n}`,
  script: `{ printf 'part${n}: '; head -c ${PART_BYTES} /dev/zero | tr '\\0' x; echo; } > /kratix/metadata/status.yaml`,
});
const growing = (count: number) =>
  scriptPromise(
    'big',
    Array.from({ length: count }, (_, i) => grow(i + 1)),
    {},
    { resourceDelete: [{ name: 'noop', script: 'true' }] },
  );

/** An events service that refuses, as the events bus does, what it cannot take. */
function eventsService(refuse: (payload: unknown) => boolean) {
  return createServiceFactory({
    service: eventsServiceRef,
    deps: {},
    factory: () => ({
      publish: async ({ eventPayload }: { eventPayload: unknown }) => {
        if (refuse(eventPayload)) {
          throw new Error('Request failed with 413 Payload Too Large');
        }
      },
      subscribe: async () => {},
    }),
  });
}
const busLimit = eventsService(
  payload => Buffer.byteLength(JSON.stringify(payload)) > EVENT_BUS_MAX_BYTES,
);

async function start(
  id: Parameters<typeof startKratix>[1],
  options: { engine?: object; features?: any[] } = {},
) {
  const kratix = await startKratix(databases, id, {
    kratix: { engine: options.engine },
    features: options.features,
  });
  const api = () => request(kratix.server);
  const runs = async (): Promise<WorkflowRun[]> =>
    (await api().get(`${url}/runs`).expect(200)).body.items;
  /** Waits until the newest run has ended, one way or another. */
  const ended = () =>
    eventually(async () => {
      const [run] = await runs();
      return run && run.phase !== 'Running' ? run : undefined;
    });
  return { ...kratix, api, ended };
}

describe.each(databases.eachSupportedId())('Status size on %p', id => {
  it('fails a pipeline whose status.yaml takes the status past the cap, and keeps the status', async () => {
    const kratix = await start(id);
    try {
      await kratix.api().put(promiseUrl).send(growing(2)).expect(201);
      await kratix.api().put(url).send({ spec: {} }).expect(201);
      const run = await kratix.ended();

      // Each file is under the cap (1 MiB by default); the two together are not.
      const [first, second] = run.pipelines;
      expect(first).toMatchObject({ name: 'grow-1', phase: 'Succeeded' });
      expect(second).toMatchObject({ name: 'grow-2', phase: 'Failed' });
      const said = second.message?.match(
        /would make the status (\d+) bytes, more than the limit of 1048576 bytes/,
      );
      expect(said).not.toBeNull();
      expect(Number(said![1])).toBeGreaterThan(2 * PART_BYTES);
      // The status is as grow-1 left it.
      const failed = (await kratix.api().get(url).expect(200)).body;
      expect(configureCondition(failed)?.status).toBe('False');
      expect(failed.status.part1).toHaveLength(PART_BYTES);
      expect(failed.status).not.toHaveProperty('part2');
    } finally {
      await kratix.stop();
    }
  });

  it.each([
    // grow-2 fails: the status stays far below the bus limit.
    ['the default cap', {}, 'Failed'],
    // All eight succeed: the status (5.6 MB) is too large to publish.
    ['a cap above the bus limit', { statusMaxBytes: 8 * MiB }, 'Succeeded'],
  ])(
    'completes the DELETE of a Resource whose pipelines grow its status past the bus limit, with %s',
    async (_, engine, phase) => {
      const kratix = await start(id, { engine, features: [busLimit] });
      try {
        await kratix.api().put(promiseUrl).send(growing(8)).expect(201);
        await kratix.api().put(url).send({ spec: {} }).expect(201);
        expect((await kratix.ended()).phase).toBe(phase);

        await kratix.api().delete(url).expect(202);
        await eventually(async () =>
          (await kratix.api().get(url)).status === 404 ? true : undefined,
        );
      } finally {
        await kratix.stop();
      }
    },
  );

  it('never fails a request or a reconcile when publishing fails, and logs no status', async () => {
    const logger = mockServices.logger.mock();
    const throwing = createServiceFactory({
      service: signalsServiceRef,
      deps: {},
      factory: () => ({
        publish: async () => {
          throw new Error('signals unavailable');
        },
      }),
    });
    const kratix = await start(id, {
      features: [eventsService(() => true), throwing, logger.factory],
    });
    try {
      await kratix.api().put(promiseUrl).send(growing(1)).expect(201);
      await kratix.api().put(url).send({ spec: {} }).expect(201);
      const run = await kratix.ended();
      expect(run.phase).toBe('Succeeded');
      expect(isConfigured((await kratix.api().get(url)).body)).toBe(true);

      const logged = [
        ...logger.warn.mock.calls,
        ...logger.error.mock.calls,
      ].map(c => String(c[0]));
      expect(logged).toContainEqual(
        expect.stringMatching(
          /Resource\/big\/default\/thing.*413 Payload Too Large/,
        ),
      );
      expect(logged).toContainEqual(
        expect.stringMatching(
          /Resource\/big\/default\/thing.*signals unavailable/,
        ),
      );
      expect(logged.join('\n')).not.toContain('xxxx');
    } finally {
      await kratix.stop();
    }
  });
});
