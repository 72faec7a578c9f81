import { EventsService } from '@backstage/plugin-events-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  ResourceStatusSignal,
  resourceSignalChannel,
} from '@kratix-backstage/plugin-kratix-common';
import { JsonObject } from '@backstage/types';
import { ObjectKey, StoredObject } from '../database/KratixStore';

/** Events-service topic of every status change, for other backend modules. */
export const KRATIX_STATUS_TOPIC = 'kratix.status';

/** The payload on {@link KRATIX_STATUS_TOPIC}. */
export interface KratixStatusEvent {
  key: ObjectKey;
  /** The object after the change; absent when it was deleted. */
  object?: StoredObject['object'];
}

/** Publishes each status change as a signal and as an event. */
export class StatusPublisher {
  constructor(
    private readonly options: {
      signals?: SignalsService;
      events?: EventsService;
      includeStatus: boolean;
    },
  ) {}

  async publish(key: ObjectKey, stored?: StoredObject): Promise<void> {
    const object = stored?.object;
    const jobs: Promise<void>[] = [];
    if (this.options.signals && key.kind === 'Resource') {
      const message: ResourceStatusSignal = {
        resourceVersion: object?.metadata.resourceVersion ?? '',
        generation: object?.metadata.generation,
        ...(this.options.includeStatus && { status: object?.status ?? {} }),
        deleted: !object,
      };
      jobs.push(
        this.options.signals.publish({
          recipients: { type: 'broadcast' },
          channel: resourceSignalChannel(key),
          message: message as unknown as JsonObject,
        }),
      );
    }
    if (this.options.events) {
      const payload: KratixStatusEvent = { key, object };
      jobs.push(
        this.options.events.publish({
          topic: KRATIX_STATUS_TOPIC,
          eventPayload: payload,
        }),
      );
    }
    await Promise.all(jobs);
  }
}
