// Issue 10: signals are broadcast (the signals backend even accepts a
// WebSocket without a token), so by default they carry no status: only
// what changed, for clients to re-read through the permission-checked API.
import request from 'supertest';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { createTestDatabases } from '../database/__testUtils__/databases';
import { eventually, startKratix } from '../__testUtils__/startKratix';
import { putIamPromise } from '../__testUtils__/iamPromise';
import { isConfigured } from '../__testUtils__/scriptPromise';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const url = '/api/kratix/promises/iam/resources/default/payments-user';
const channel = 'kratix:iam:default:payments-user';
/** All a signal may say by default. */
const ALLOWED = ['resourceVersion', 'generation', 'deleted'];

/** A signals service that records what the plugin publishes. */
function capturedSignals() {
  const published: any[] = [];
  const factory = createServiceFactory({
    service: signalsServiceRef,
    deps: {},
    factory: () => ({
      publish: async (signal: any) => void published.push(signal),
    }),
  });
  return { factory, published };
}

describe.each(databases.eachSupportedId())('Signals on %p', id => {
  it('carry no status by default, only the version, generation and deleted', async () => {
    const signals = capturedSignals();
    const { server, stop, markers } = await startKratix(databases, id, {
      features: [signals.factory],
    });
    const api = () => request(server);
    try {
      await putIamPromise(server, markers);
      await api()
        .put(url)
        .send({ spec: { user: 'payments' } })
        .expect(201);
      const done = await eventually(async () => {
        const res = await api().get(url);
        return isConfigured(res.body) ? res.body : undefined;
      });
      // The status holds the secret the issue saw in a signal.
      expect(done.status.iam.password).toBe('<vault-ref>');
      await api().delete(url).expect(202);
      await eventually(async () =>
        signals.published.some(s => s.message.deleted) ? true : undefined,
      );

      const mine = signals.published.filter(s => s.channel === channel);
      expect(mine.length).toBeGreaterThan(3);
      for (const { message } of mine) {
        expect(Object.keys(message).filter(k => !ALLOWED.includes(k))).toEqual(
          [],
        );
        expect(JSON.stringify(message)).not.toContain('vault-ref');
      }
      expect(mine.map(s => s.message.resourceVersion)).toContain(
        done.metadata.resourceVersion,
      );
      expect(mine.at(-1).message).toEqual({
        resourceVersion: '',
        deleted: true,
      });
    } finally {
      await stop();
    }
  });
});
