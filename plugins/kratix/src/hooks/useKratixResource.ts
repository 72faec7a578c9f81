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
  /**
   * How often the Resource is re-read (with signals too, to notice a lost
   * backend). Default 10 s; 0 turns polling off.
   */
  pollIntervalMs?: number;
}

/**
 * How the Resource is kept up to date, for the header's badge. The signals
 * API does not tell whether its connection is up, so the Resource is also
 * re-read every poll interval with signals: a failed or late poll is how a
 * lost backend shows.
 *
 * @public
 */
export interface KratixLiveState {
  /** Signals when the signals API is installed, else polling only. */
  mode: 'signals' | 'polling';
  pollIntervalMs: number;
  /** When the Resource was last read (or arrived in a signal). */
  updatedAt?: number;
  /** Why the last re-read failed; cleared by the next success. */
  error?: Error;
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
  /** Whether updates are arriving, and since when they are not. */
  liveState: KratixLiveState;
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
 * `kratix.signals.includeStatus`) shows at once. It also polls, with or
 * without signals, so that a lost connection shows (see KratixLiveState).
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
    if (pollIntervalMs <= 0) {
      return undefined;
    }
    const timer = setInterval(() => setRefreshKey(k => k + 1), pollIntervalMs);
    return () => clearInterval(timer);
  }, [pollIntervalMs]);

  const refresh = useCallback(() => setRefreshKey(k => k + 1), []);

  return {
    ...state,
    resource: state.value,
    refreshKey,
    refresh,
    live: isSignalsAvailable ? 'signals' : 'polling',
    liveState: {
      mode: isSignalsAvailable ? 'signals' : 'polling',
      pollIntervalMs,
      updatedAt: state.updatedAt,
      error: state.refreshError,
    },
  };
}
