import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { KratixEngineClient } from '../client/KratixEngineClient';
import { parseTimeout } from '../operations/duration';
import { waitForResource } from '../operations/waitForResource';
import { inputs, outputs, toResourceRef } from '../schema';
import { examples } from './resourceWait.examples';

/** Pause between two looks at the Resource, unless told otherwise. */
export const DEFAULT_POLL_INTERVAL_MS = 2000;

/**
 * `kratix:resource:wait`: waits until a Resource's workflow has completed
 * for its current generation, logging each pipeline as it progresses.
 *
 * @public
 */
export function createKratixResourceWaitAction(options: {
  engine: KratixEngineClient;
  pollIntervalMs?: number;
}) {
  return createTemplateAction({
    id: 'kratix:resource:wait',
    description:
      "Waits until a Kratix Resource's condition (default ConfigureWorkflowCompleted) is True for its current generation. Fails at once when its configure workflow fails, and on timeout.",
    examples,
    schema: {
      input: {
        resourceRef: inputs.resourceRef,
        condition: inputs.condition,
        timeout: inputs.timeout,
      },
      output: {
        message: outputs.message,
        status: outputs.status,
      },
    },
    async handler(ctx) {
      const { message, status } = await waitForResource(
        {
          engine: options.engine,
          credentials: await ctx.getInitiatorCredentials(),
          logger: ctx.logger,
        },
        {
          ref: toResourceRef(ctx.input.resourceRef),
          condition: ctx.input.condition,
          timeoutMs: parseTimeout(ctx.input.timeout),
          intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
          signal: ctx.signal,
        },
      );
      ctx.output('message', message);
      ctx.output('status', status);
    },
  });
}
