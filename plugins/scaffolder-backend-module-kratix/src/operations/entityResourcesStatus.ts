import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  HealthState,
  KratixCondition,
  getEntityResourceRefs,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { EngineCaller } from './types';

/** One Resource an entity names, as the engine reports it now. */
export interface ResourceStatusSummary {
  resourceRef: string;
  /** False when the engine has no such Resource. */
  found: boolean;
  message?: string;
  generation?: number;
  observedGeneration?: number;
  conditions: KratixCondition[];
  health?: HealthState;
}

/**
 * Reads the entity from the catalog as the caller, then the status of each
 * Resource its `kratix.io/resource-ref` annotation names.
 */
export async function getEntityResourcesStatus(
  caller: EngineCaller & { catalog: CatalogService },
  entityRef: string,
): Promise<{ entityRef: string; resources: ResourceStatusSummary[] }> {
  const { catalog, engine, credentials } = caller;
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) throw new NotFoundError(`Entity '${entityRef}' not found`);
  const resources = await Promise.all(
    getEntityResourceRefs(entity).map(async ref => {
      const resource = await engine.findResource(ref, { credentials });
      const status = resource?.status;
      return {
        resourceRef: stringifyResourceRef(ref),
        found: resource !== undefined,
        message: status?.message,
        generation: resource?.metadata.generation,
        observedGeneration: status?.observedGeneration,
        conditions: status?.conditions ?? [],
        health: status?.healthStatus?.state ?? status?.healthRecord?.state,
      };
    }),
  );
  return { entityRef, resources };
}
