import { createPermission } from '@backstage/plugin-permission-common';

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
  attributes: { action: 'read' },
});

/** @public */
export const kratixResourceRequestPermission = createPermission({
  name: 'kratix.resource.request',
  attributes: { action: 'create' },
});

/** @public */
export const kratixResourceDeletePermission = createPermission({
  name: 'kratix.resource.delete',
  attributes: { action: 'delete' },
});

/** @public */
export const kratixResourceReconcilePermission = createPermission({
  name: 'kratix.resource.reconcile',
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
  kratixResourceDeletePermission,
  kratixResourceReconcilePermission,
  kratixHealthRecordWritePermission,
];
