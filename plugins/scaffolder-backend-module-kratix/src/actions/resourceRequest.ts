import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { KratixEngineClient } from '../client/KratixEngineClient';
import { requestResource } from '../operations/requestResource';
import { inputs, outputs } from '../schema';
import { examples } from './resourceRequest.examples';

/**
 * `kratix:resource:request`: creates or updates a Resource of a Promise with
 * the template user's credentials.
 *
 * @public
 */
export function createKratixResourceRequestAction(options: {
  engine: KratixEngineClient;
}) {
  return createTemplateAction({
    id: 'kratix:resource:request',
    description:
      "Requests a Kratix Resource: creates or updates it with the template user's permissions. In a dry run, only validates the spec against the Promise's schema.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: inputs.cluster,
        updateExisting: inputs.updateExisting,
        promise: inputs.promise,
        name: inputs.name,
        namespace: inputs.namespace,
        spec: inputs.spec,
        labels: inputs.labels,
        annotations: inputs.annotations,
      },
      output: {
        resourceRef: outputs.resourceRef,
        generation: outputs.generation,
      },
    },
    async handler(ctx) {
      const caller = {
        engine: options.engine,
        credentials: await ctx.getInitiatorCredentials(),
        logger: ctx.logger,
      };
      const request = () =>
        requestResource(caller, { ...ctx.input, dryRun: ctx.isDryRun });
      // Under task recovery a finished request is not sent again.
      const { resourceRef, generation } = ctx.isDryRun
        ? await request()
        : await ctx.checkpoint({
            key: `kratix.resource.request.v1`,
            fn: async () => {
              const { created: _, ...saved } = await request();
              return saved;
            },
          });
      ctx.output('resourceRef', resourceRef);
      ctx.output('generation', generation);
    },
  });
}
