import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { formatDuration, parseTimeout } from '../operations/duration';
import { poll } from '../operations/poll';
import { inputs } from '../schema';
import { examples } from './catalogWait.examples';
import { DEFAULT_POLL_INTERVAL_MS } from './resourceWait';

/**
 * `kratix:catalog:wait`: waits until the catalog holds an entity (e.g. the
 * component a Promise's pipeline registers), read as the task's user, so
 * that the template's output links to a page that exists.
 *
 * @public
 */
export function createKratixCatalogWaitAction(options: {
  catalog: CatalogService;
  pollIntervalMs?: number;
}) {
  return createTemplateAction({
    id: 'kratix:catalog:wait',
    description:
      'Waits until the catalog holds an entity, read with the permissions of the user who runs the template; outputs its ref and the paths of its page and of its Kratix tab. Fails on timeout.',
    examples,
    schema: {
      input: {
        entityRef: z =>
          z
            .string({
              description:
                'The entity to wait for, as `<kind>:<namespace>/<name>`, e.g. `component:default/alice`',
            })
            .min(1),
        timeout: inputs.timeout,
      },
      output: {
        entityRef: z =>
          z.string({ description: 'The entity, as `kind:namespace/name`' }),
        entityUrl: z =>
          z.string({
            description:
              "Path of the entity's page, `/catalog/<ns>/<kind>/<name>`",
          }),
        kratixUrl: z =>
          z.string({ description: "Path of the entity's Kratix tab" }),
      },
    },
    async handler(ctx) {
      const { entityRef } = ctx.input;
      if (!/^[^:/]+:([^:/]+\/)?[^:/]+$/.test(entityRef)) {
        throw new InputError(
          `Invalid entityRef '${entityRef}': expected <kind>:<namespace>/<name>, e.g. component:default/alice`,
        );
      }
      const timeoutMs = parseTimeout(ctx.input.timeout);
      const credentials = await ctx.getInitiatorCredentials();
      ctx.logger.info(`Waiting for ${entityRef} in the catalog`);
      const entity = await poll(
        {
          timeoutMs,
          intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
          signal: ctx.signal,
        },
        () => options.catalog.getEntityByRef(entityRef, { credentials }),
        () =>
          new Error(
            `${entityRef} is not in the catalog after ${formatDuration(
              timeoutMs,
            )}: check that the location that registers it is in catalog.locations and was processed, and that you may read the entity`,
          ),
      );
      const kind = entity.kind.toLocaleLowerCase('en-US');
      const namespace = entity.metadata.namespace ?? 'default';
      const { name } = entity.metadata;
      const entityUrl = `/catalog/${namespace}/${kind}/${name}`;
      ctx.logger.info(`${entityRef} is in the catalog`);
      ctx.output('entityRef', `${kind}:${namespace}/${name}`);
      ctx.output('entityUrl', entityUrl);
      ctx.output('kratixUrl', `${entityUrl}/kratix`);
    },
  });
}
