import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  ResourceStatusSignal,
  resourceSignalChannel,
} from '@kratix-backstage/plugin-kratix-common';
import { JsonObject } from '@backstage/types';
import { ObjectKey, StoredObject } from '../database/ObjectStore';

/** Events-service topic of every status change, for other backend modules. */
export const KRATIX_STATUS_TOPIC = 'kratix.status';

/** The payload on {@link KRATIX_STATUS_TOPIC}. */
export interface KratixStatusEvent {
  key: ObjectKey;
  /** The object after the change; absent when it was deleted. */
  object?: StoredObject['object'];
}

/** Enough of a failure's message to say why, not a payload it may echo. */
const MAX_REASON_CHARS = 300;

/**
 * Publishes each status change as a signal and as an event. Best-effort: a
 * failure (e.g. an object too large for the events bus) is logged and never
 * fails the reconcile or request that saved the change.
 */
export class StatusPublisher {
  constructor(
    private readonly options: {
      signals?: SignalsService;
      events?: EventsService;
      includeStatus: boolean;
      logger: LoggerService;
    },
  ) {}

  async publish(key: ObjectKey, stored?: StoredObject): Promise<void> {
    const object = stored?.object;
    const jobs: Promise<void>[] = [];
    const attempt = async (what: string, job: () => Promise<void>) => {
      try {
        await job();
      } catch (e) {
        // What failed and why, never the object: its status may hold secrets.
        const why = e instanceof Error ? e.message : String(e);
        this.options.logger.warn(
          `Publishing the ${what} of ${key.kind}/${key.promise}/${
            key.namespace
          }/${key.name} (resourceVersion ${
            object?.metadata.resourceVersion ?? 'deleted'
          }) failed: ${why.slice(0, MAX_REASON_CHARS)}`,
        );
      }
    };
    if (this.options.signals && key.kind === 'Resource') {
      const message: ResourceStatusSignal = {
        resourceVersion: object?.metadata.resourceVersion ?? '',
        generation: object?.metadata.generation,
        ...(this.options.includeStatus && { status: object?.status ?? {} }),
        deleted: !object,
      };
      const { signals } = this.options;
      jobs.push(
        attempt('signal', () =>
          signals.publish({
            recipients: { type: 'broadcast' },
            channel: resourceSignalChannel(key),
            message: message as unknown as JsonObject,
          }),
        ),
      );
    }
    if (this.options.events) {
      const payload: KratixStatusEvent = { key, object };
      const { events } = this.options;
      jobs.push(
        attempt(`${KRATIX_STATUS_TOPIC} event`, () =>
          events.publish({ topic: KRATIX_STATUS_TOPIC, eventPayload: payload }),
        ),
      );
    }
    await Promise.all(jobs);
  }
}
