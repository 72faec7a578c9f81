// The permission resource type of Kratix Resources: what policies'
// conditions are evaluated against.
import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  KRATIX_RESOURCE_RESOURCE_TYPE,
  KratixResource,
  ResourceRef,
} from '@kratix-backstage/plugin-kratix-common';

/**
 * A Resource as the permission rules see it: the object, and where it is
 * (cluster, Promise, namespace, name), which the object alone does not say.
 *
 * @alpha
 */
export interface KratixResourceEntry {
  ref: ResourceRef;
  resource: KratixResource;
}

/**
 * A rule's query: a test of one Resource (the Resources are filtered in
 * memory, before a list is cut into pages).
 *
 * @alpha
 */
export type KratixResourceFilter = (entry: KratixResourceEntry) => boolean;

/** @alpha */
export const kratixResourcePermissionResourceRef = createPermissionResourceRef<
  KratixResourceEntry,
  KratixResourceFilter
>().with({ pluginId: 'kratix', resourceType: KRATIX_RESOURCE_RESOURCE_TYPE });
