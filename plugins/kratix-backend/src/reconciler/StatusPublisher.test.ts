import { StatusPublisher, KRATIX_STATUS_TOPIC } from './StatusPublisher';
import { promiseKey, resourceKey } from './keys';
import { StoredObject } from '../database/KratixStore';

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
