import { useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  KratixResource,
  ResourceRef,
  ResourceStatusSignal,
  resourceSignalChannel,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { kratixApiRef } from '../api';
import { RefreshingAsyncState, useRefreshingAsync } from './useRefreshingAsync';

/** How often to re-read a Resource when signals are not available. @public */
export const DEFAULT_POLL_INTERVAL_MS = 10_000;

/** Signals that arrive together are coalesced into one reload. */
const SIGNAL_DEBOUNCE_MS = 250;

/** @public */
export interface UseKratixResourceOptions {
  /** Polling interval when the signals plugin is not installed. Default 10 s. */
  pollIntervalMs?: number;
}

/** @public */
export interface KratixResourceState
  extends RefreshingAsyncState<KratixResource> {
  resource?: KratixResource;
  /**
   * Changes every time the Resource may have changed (a signal, a poll), so
   * that runs and logs can reload on the same trigger.
   */
  refreshKey: number;
  /** How the Resource is kept up to date. */
  live: 'signals' | 'polling';
  /** Reloads the Resource, its runs and logs quietly. */
  refresh: () => void;
}

function isNewer(
  incoming: string | undefined,
  current: string | undefined,
): boolean {
  if (!incoming || !current) {
    return true;
  }
  const a = Number(incoming);
  const b = Number(current);
  // resourceVersion is opaque; compare only when both are plain numbers.
  return Number.isFinite(a) && Number.isFinite(b) ? a >= b : true;
}

/**
 * Loads a Resource and keeps it live: a signal on the Resource's channel
 * reloads the Resource through the API (and, through `refreshKey`, its runs
 * and logs); a status in the signal (only with the backend's
 * `kratix.signals.includeStatus`) shows at once. Without signals it polls.
 *
 * @public
 */
export function useKratixResource(
  ref: ResourceRef,
  options: UseKratixResourceOptions = {},
): KratixResourceState {
  const api = useApi(kratixApiRef);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const key = stringifyResourceRef(ref);
  const [refreshKey, setRefreshKey] = useState(0);

  const state = useRefreshingAsync(() => api.getResource(ref), key, refreshKey);
  const { setValue } = state;

  const { lastSignal, isSignalsAvailable } = useSignal(
    resourceSignalChannel(ref),
  );

  const debounce = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => {
    if (!lastSignal) {
      return undefined;
    }
    const signal = lastSignal as unknown as ResourceStatusSignal;
    if (signal.status) {
      setValue(resource =>
        isNewer(signal.resourceVersion, resource.metadata.resourceVersion)
          ? {
              ...resource,
              metadata: {
                ...resource.metadata,
                resourceVersion:
                  signal.resourceVersion ?? resource.metadata.resourceVersion,
                generation: signal.generation ?? resource.metadata.generation,
              },
              status: signal.status,
            }
          : resource,
      );
    }
    clearTimeout(debounce.current);
    debounce.current = setTimeout(
      () => setRefreshKey(k => k + 1),
      SIGNAL_DEBOUNCE_MS,
    );
    return undefined;
  }, [lastSignal, setValue]);

  useEffect(() => () => clearTimeout(debounce.current), []);

  useEffect(() => {
    if (isSignalsAvailable || pollIntervalMs <= 0) {
      return undefined;
    }
    const timer = setInterval(() => setRefreshKey(k => k + 1), pollIntervalMs);
    return () => clearInterval(timer);
  }, [isSignalsAvailable, pollIntervalMs]);

  const refresh = useCallback(() => setRefreshKey(k => k + 1), []);

  return {
    ...state,
    resource: state.value,
    refreshKey,
    refresh,
    live: isSignalsAvailable ? 'signals' : 'polling',
  };
}
