/**
 * Kratix for Backstage: entity card and tab showing each Kratix Resource's
 * message, conditions, health, pipeline progress and logs, live.
 *
 * This entry point is for the legacy frontend system; the new frontend
 * system uses `@kratix-backstage/plugin-kratix/alpha`.
 *
 * @packageDocumentation
 */
export {
  kratixPlugin,
  EntityKratixStatusCard,
  EntityKratixContent,
  KratixPage,
} from './plugin';
export { kratixStatusColumn } from './components/KratixStatusColumn';
export { kratixApiRef, KratixClient } from './api';
export type { KratixApi, ListResourcesOptions, ResourcePage } from './api';
export { listAllResources } from './api';
export {
  useKratixResource,
  useKratixRuns,
  useKratixRunLogs,
  DEFAULT_POLL_INTERVAL_MS,
} from './hooks';
export type {
  KratixLiveState,
  KratixResourceState,
  UseKratixResourceOptions,
  RefreshingAsyncState,
} from './hooks';
export type { EntityKratixStatusCardProps } from './components/EntityKratixStatusCard';
export type { EntityKratixContentProps } from './components/EntityKratixContent';
export type { KratixPageProps } from './components/KratixPage';
export {
  isKratixAvailable,
  KRATIX_RESOURCE_REF_ANNOTATION,
} from '@kratix-backstage/plugin-kratix-common';
