import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { KratixEngineClient } from '../client/KratixEngineClient';
import { requestDeletion, waitForDeletion } from '../operations/deleteResource';
import { parseTimeout } from '../operations/duration';
import { inputs, toResourceRef } from '../schema';
import { DEFAULT_POLL_INTERVAL_MS } from './resourceWait';
import { examples } from './resourceDelete.examples';

/**
 * `kratix:resource:delete`: deletes a Resource with the template user's
 * credentials, optionally waiting until it is gone.
 *
 * @public
 */
export function createKratixResourceDeleteAction(options: {
  engine: KratixEngineClient;
  pollIntervalMs?: number;
}) {
  return createTemplateAction({
    id: 'kratix:resource:delete',
    description:
      'Deletes a Kratix Resource, which runs its delete workflow. With `wait`, waits until it is gone and fails if the delete workflow fails.',
    examples,
    schema: {
      input: {
        resourceRef: inputs.resourceRef,
        wait: inputs.wait,
        timeout: inputs.timeout,
      },
    },
    async handler(ctx) {
      const caller = {
        engine: options.engine,
        credentials: await ctx.getInitiatorCredentials(),
        logger: ctx.logger,
      };
      const ref = toResourceRef(ctx.input.resourceRef);
      const timeoutMs = parseTimeout(ctx.input.timeout);
      const requested = await ctx.checkpoint({
        key: 'kratix.resource.delete.v1',
        fn: async () => ({ ...(await requestDeletion(caller, ref)) }),
      });
      if (ctx.input.wait && requested.requested) {
        await waitForDeletion(caller, {
          ref,
          requested,
          timeoutMs,
          intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
          signal: ctx.signal,
        });
      }
    },
  });
}
