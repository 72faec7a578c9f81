/**
 * Catalog entities for Kratix objects: each Promise as an API entity, each
 * Resource as a Resource entity, updated on the Kratix change events.
 *
 * @packageDocumentation
 */

export { catalogModuleKratix as default } from './module';
export { KRATIX_EVENTS_TOPIC } from './KratixEntityProvider';
export type { KratixObjectKey } from './KratixEntityProvider';
export {
  KRATIX_OWNER_ANNOTATION,
  KRATIX_PROMISE_LABEL,
  KRATIX_RESOURCE_ENTITY_TYPE,
} from './entities';
export type { KratixEntityOptions } from './entities';
