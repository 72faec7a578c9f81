export {
  useKratixResource,
  DEFAULT_POLL_INTERVAL_MS,
} from './useKratixResource';
export type {
  KratixLiveState,
  KratixResourceState,
  UseKratixResourceOptions,
} from './useKratixResource';
export { useKratixRuns, useKratixRunLogs } from './useKratixRuns';
export type { RefreshingAsyncState } from './useRefreshingAsync';
