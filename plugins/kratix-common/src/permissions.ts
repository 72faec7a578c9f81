import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The permission resource type of a Kratix Resource: its resource
 * permissions are checked against one Resource (resourceRef
 * `[<cluster>/]<promise>/<namespace>/<name>`, see `stringifyResourceRef`),
 * and policies may answer them with conditions. @public
 */
export const KRATIX_RESOURCE_RESOURCE_TYPE = 'kratix-resource';

/**
 * Who requested a Resource: the user entity ref of the caller that created
 * it through the API. Set by the backend, never taken from a request's
 * body, and never changed by a later apply. @public
 */
export const KRATIX_REQUESTED_BY_ANNOTATION = 'kratix.io/requested-by';

/** @public */
export const kratixPromiseReadPermission = createPermission({
  name: 'kratix.promise.read',
  attributes: { action: 'read' },
});

/** @public */
export const kratixPromiseManagePermission = createPermission({
  name: 'kratix.promise.manage',
  attributes: { action: 'update' },
});

/** @public */
export const kratixResourceReadPermission = createPermission({
  name: 'kratix.resource.read',
  resourceType: KRATIX_RESOURCE_RESOURCE_TYPE,
  attributes: { action: 'read' },
});

/** @public */
export const kratixResourceRequestPermission = createPermission({
  name: 'kratix.resource.request',
  attributes: { action: 'create' },
});

/**
 * Changing a Resource that exists (an apply that updates it); creating one
 * needs `kratix.resource.request` only. @public
 */
export const kratixResourceUpdatePermission = createPermission({
  name: 'kratix.resource.update',
  resourceType: KRATIX_RESOURCE_RESOURCE_TYPE,
  attributes: { action: 'update' },
});

/** @public */
export const kratixResourceDeletePermission = createPermission({
  name: 'kratix.resource.delete',
  resourceType: KRATIX_RESOURCE_RESOURCE_TYPE,
  attributes: { action: 'delete' },
});

/** @public */
export const kratixResourceReconcilePermission = createPermission({
  name: 'kratix.resource.reconcile',
  resourceType: KRATIX_RESOURCE_RESOURCE_TYPE,
  attributes: { action: 'update' },
});

/** @public */
export const kratixHealthRecordWritePermission = createPermission({
  name: 'kratix.healthrecord.write',
  attributes: { action: 'update' },
});

/** Every permission of the Kratix plugins. @public */
export const kratixPermissions = [
  kratixPromiseReadPermission,
  kratixPromiseManagePermission,
  kratixResourceReadPermission,
  kratixResourceRequestPermission,
  kratixResourceUpdatePermission,
  kratixResourceDeletePermission,
  kratixResourceReconcilePermission,
  kratixHealthRecordWritePermission,
];

/** The permissions of the resource type `kratix-resource`. @public */
export const kratixResourcePermissions = [
  kratixResourceReadPermission,
  kratixResourceUpdatePermission,
  kratixResourceDeletePermission,
  kratixResourceReconcilePermission,
];
