import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { KratixEngineClient } from '../client/KratixEngineClient';
import { requestDeletion, waitForDeletion } from '../operations/deleteResource';
import { parseTimeout } from '../operations/duration';
import { getEntityResourcesStatus } from '../operations/entityResourcesStatus';
import { requestResource } from '../operations/requestResource';
import { waitForResource } from '../operations/waitForResource';
import { inputs, outputs, toResourceRef } from '../schema';
import { DEFAULT_POLL_INTERVAL_MS } from '../actions/resourceWait';

/**
 * Registers the Kratix operations in Backstage's actions registry, for MCP
 * clients. Each runs with the caller's credentials.
 */
export function registerKratixActions(
  registry: ActionsRegistryService,
  options: {
    engine: KratixEngineClient;
    catalog: CatalogService;
    pollIntervalMs?: number;
  },
) {
  const { engine, catalog } = options;
  const intervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;

  registry.register({
    name: 'request-resource',
    title: 'Request a Kratix Resource',
    description:
      "Creates or updates a Resource of a Kratix Promise; its configure workflow then runs. With dryRun, only validates the spec against the Promise's schema.",
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          cluster: inputs.cluster(z),
          updateExisting: inputs.updateExisting(z),
          promise: inputs.promise(z),
          name: inputs.name(z),
          namespace: inputs.namespace(z),
          spec: inputs.spec(z),
          labels: inputs.labels(z),
          annotations: inputs.annotations(z),
          dryRun: z
            .boolean({ description: 'Only validate; create nothing' })
            .optional(),
        }),
      output: z =>
        z.object({
          resourceRef: outputs.resourceRef(z),
          generation: outputs.generation(z),
          created: z.boolean({ description: 'True when it was new' }),
        }),
    },
    action: async ({ input, credentials, logger }) => ({
      output: await requestResource({ engine, credentials, logger }, input),
    }),
  });

  registry.register({
    name: 'wait-for-resource',
    title: 'Wait for a Kratix Resource',
    description:
      "Waits until a Resource's condition (default ConfigureWorkflowCompleted) is True for its current generation; fails at once when its configure workflow fails.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          resourceRef: inputs.resourceRef(z),
          condition: inputs.condition(z),
          timeout: inputs.timeout(z),
        }),
      output: z =>
        z.object({ message: outputs.message(z), status: outputs.status(z) }),
    },
    action: async ({ input, credentials, logger }) => ({
      output: await waitForResource(
        { engine, credentials, logger },
        {
          ref: toResourceRef(input.resourceRef),
          condition: input.condition,
          timeoutMs: parseTimeout(input.timeout),
          intervalMs,
        },
      ),
    }),
  });

  registry.register({
    name: 'delete-resource',
    title: 'Delete a Kratix Resource',
    description:
      'Deletes a Resource, which runs its delete workflow. With wait, waits until it is gone and fails if the delete workflow fails. A Resource already gone is not an error.',
    attributes: { readOnly: false, destructive: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          resourceRef: inputs.resourceRef(z),
          wait: inputs.wait(z),
          timeout: inputs.timeout(z),
        }),
      output: z =>
        z.object({
          deleted: z.boolean({
            description: 'False when the Resource did not exist',
          }),
        }),
    },
    action: async ({ input, credentials, logger }) => {
      const caller = { engine, credentials, logger };
      const ref = toResourceRef(input.resourceRef);
      const timeoutMs = parseTimeout(input.timeout);
      const requested = await requestDeletion(caller, ref);
      if (input.wait && requested.requested) {
        await waitForDeletion(caller, {
          ref,
          requested,
          timeoutMs,
          intervalMs,
        });
      }
      return { output: { deleted: requested.requested } };
    },
  });

  registry.register({
    name: 'get-entity-resources-status',
    title: "Get the status of an entity's Kratix Resources",
    description:
      'Reads a catalog entity and returns, for each Resource its kratix.io/resource-ref annotation names, the message, conditions and health.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string({
            description: 'The entity, e.g. `component:default/my-service`',
          }),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          resources: z.array(
            z.object({
              resourceRef: z.string(),
              found: z.boolean(),
              message: z.string().optional(),
              generation: z.number().optional(),
              observedGeneration: z.number().optional(),
              conditions: z.array(
                z.object({
                  type: z.string(),
                  status: z.enum(['True', 'False', 'Unknown']),
                  reason: z.string().optional(),
                  message: z.string().optional(),
                  lastTransitionTime: z.string().optional(),
                }),
              ),
              health: z
                .enum(['unknown', 'ready', 'healthy', 'degraded', 'unhealthy'])
                .optional(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials, logger }) => ({
      output: await getEntityResourcesStatus(
        { engine, catalog, credentials, logger },
        input.entityRef,
      ),
    }),
  });
}
