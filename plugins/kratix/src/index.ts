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
} from './plugin';
export { kratixApiRef, KratixClient } from './api';
export type { KratixApi } from './api';
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
export {
  isKratixAvailable,
  KRATIX_RESOURCE_REF_ANNOTATION,
} from '@kratix-backstage/plugin-kratix-common';
