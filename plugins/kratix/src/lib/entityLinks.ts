// Which catalog entity to link for a Resource: read from the entities'
// `kratix.io/resource-ref` annotations.
import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import {
  KRATIX_RESOURCE_REF_ANNOTATION,
  ResourceRef,
  parseResourceRefsTolerant,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';

/** Prefer the entity that stands for the Resource itself over its users. */
const rank = (entity: Entity, refs: number) =>
  (entity.kind === 'Resource' ? 0 : 2) + (refs === 1 ? 0 : 1);

/**
 * The entity to link for each Resource (by `stringifyResourceRef`): a
 * `Resource` entity naming only it first, then one naming only it, then
 * any; ties by entity name. Bad parts of an annotation are skipped.
 */
export function entitiesByResource(
  entities: Entity[],
): Map<string, CompoundEntityRef> {
  const best = new Map<string, { rank: number; ref: CompoundEntityRef }>();
  for (const entity of entities) {
    const value = entity.metadata.annotations?.[KRATIX_RESOURCE_REF_ANNOTATION];
    if (!value) continue;
    const { refs } = parseResourceRefsTolerant(value);
    const ref: CompoundEntityRef = {
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? 'default',
      name: entity.metadata.name,
    };
    for (const resourceRef of refs) {
      const key = stringifyResourceRef(resourceRef);
      const candidate = { rank: rank(entity, refs.length), ref };
      const current = best.get(key);
      if (
        !current ||
        candidate.rank < current.rank ||
        (candidate.rank === current.rank && ref.name < current.ref.name)
      ) {
        best.set(key, candidate);
      }
    }
  }
  return new Map([...best].map(([key, { ref }]) => [key, ref]));
}

/** The key of `entitiesByResource` for a listed Resource. */
export function resourceKey(ref: ResourceRef): string {
  return stringifyResourceRef(ref);
}
