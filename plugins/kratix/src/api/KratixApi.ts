import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ContainerLog,
  KratixResource,
  ResourceRef,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';

/**
 * What the Kratix frontend needs from the `kratix` backend plugin.
 *
 * @public
 */
export interface KratixApi {
  /** The Resource, status included. Rejects with a `ResponseError` (404, 403, ...). */
  getResource(ref: ResourceRef): Promise<KratixResource>;
  /** The Resource's workflow runs, newest first. */
  listRuns(ref: ResourceRef): Promise<WorkflowRun[]>;
  /** The container logs of one run of the Resource. */
  getRunLogs(ref: ResourceRef, runId: string): Promise<ContainerLog[]>;
  /** Asks for the Resource's configure workflow to run again. */
  reconcile(ref: ResourceRef): Promise<void>;
}

/** @public */
export const kratixApiRef = createApiRef<KratixApi>().with({
  id: 'plugin.kratix.service',
  pluginId: 'kratix',
});
