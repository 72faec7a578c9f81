import { mockServices } from '@backstage/backend-test-utils';
import { StatusPublisher, KRATIX_STATUS_TOPIC } from './StatusPublisher';
import { promiseKey, resourceKey } from './keys';
import { StoredObject } from '../database/ObjectStore';

function capture(includeStatus: boolean) {
  const signals: any[] = [];
  const events: any[] = [];
  const publisher = new StatusPublisher({
    includeStatus,
    signals: { publish: async (s: any) => void signals.push(s) },
    events: {
      publish: async (e: any) => void events.push(e),
      subscribe: async () => {},
    },
    logger: mockServices.logger.mock(),
  });
  return { publisher, signals, events };
}

const key = resourceKey('iam', 'default', 'alice');
const stored = {
  key,
  specHash: 'h',
  object: {
    apiVersion: 'example.promise.syntasso.io/v1',
    kind: 'IAM',
    metadata: { name: 'alice', resourceVersion: '7', generation: 2 },
    status: { message: 'done', iam: { password: '<vault-ref>' } },
  },
} as StoredObject;

describe('StatusPublisher', () => {
  it('broadcasts the status on the Resource channel and as an event', async () => {
    const { publisher, signals, events } = capture(true);
    await publisher.publish(key, stored);
    expect(signals).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'kratix:iam:default:alice',
        message: {
          resourceVersion: '7',
          generation: 2,
          status: stored.object.status,
          deleted: false,
        },
      },
    ]);
    expect(events).toEqual([
      {
        topic: KRATIX_STATUS_TOPIC,
        eventPayload: { key, object: stored.object },
      },
    ]);
  });

  it('leaves the status out of signals when includeStatus is false', async () => {
    const { publisher, signals } = capture(false);
    await publisher.publish(key, stored);
    expect(signals[0].message).toEqual({
      resourceVersion: '7',
      generation: 2,
      deleted: false,
    });
  });

  it('logs a failure to publish, without the status, and does not throw', async () => {
    const logger = mockServices.logger.mock();
    const publisher = new StatusPublisher({
      includeStatus: true,
      signals: {
        publish: () => {
          throw new Error('no WebSocket hub');
        },
      },
      events: {
        publish: async () => {
          throw new Error(`413 Payload Too Large ${'.'.repeat(1000)}`);
        },
        subscribe: async () => {},
      },
      logger,
    });
    await expect(publisher.publish(key, stored)).resolves.toBeUndefined();
    const logged = logger.warn.mock.calls.map(c => String(c[0]));
    expect(logged).toEqual([
      'Publishing the signal of Resource/iam/default/alice (resourceVersion 7) failed: no WebSocket hub',
      expect.stringMatching(
        /^Publishing the kratix.status event of Resource\/iam\/default\/alice \(resourceVersion 7\) failed: 413 Payload Too Large \.+$/,
      ),
    ]);
    expect(logged[1].length).toBeLessThan(400);
    expect(logged.join()).not.toContain('vault-ref');
  });

  it('marks a deleted Resource and sends Promise changes as events only', async () => {
    const { publisher, signals, events } = capture(true);
    await publisher.publish(key, undefined);
    expect(signals[0].message.deleted).toBe(true);
    await publisher.publish(promiseKey('iam'), undefined);
    expect(signals).toHaveLength(1);
    expect(events.map(e => e.eventPayload.key.kind)).toEqual([
      'Resource',
      'Promise',
    ]);
  });
});
