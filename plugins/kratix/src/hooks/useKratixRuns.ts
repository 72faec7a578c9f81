import { useApi } from '@backstage/core-plugin-api';
import {
  ContainerLog,
  ResourceRef,
  WorkflowRun,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { kratixApiRef } from '../api';
import { RefreshingAsyncState, useRefreshingAsync } from './useRefreshingAsync';

/**
 * The Resource's workflow runs, newest first, reloaded whenever `refreshKey`
 * (from `useKratixResource`) changes.
 *
 * @public
 */
export function useKratixRuns(
  ref: ResourceRef,
  refreshKey: number,
): RefreshingAsyncState<WorkflowRun[]> {
  const api = useApi(kratixApiRef);
  const { value, error, loading, retry } = useRefreshingAsync(
    () => api.listRuns(ref),
    stringifyResourceRef(ref),
    refreshKey,
  );
  return { value, error, loading, retry };
}

/**
 * The container logs of one run; nothing is loaded while `runId` is undefined.
 *
 * @public
 */
export function useKratixRunLogs(
  ref: ResourceRef,
  runId: string | undefined,
  refreshKey: number,
): RefreshingAsyncState<ContainerLog[]> {
  const api = useApi(kratixApiRef);
  const { value, error, loading, retry } = useRefreshingAsync(
    () => (runId ? api.getRunLogs(ref, runId) : Promise.resolve([])),
    `${stringifyResourceRef(ref)}#${runId ?? ''}`,
    refreshKey,
  );
  return { value, error, loading, retry };
}
