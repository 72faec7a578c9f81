import { useCallback, useEffect, useRef, useState } from 'react';
import { isTransient } from '../lib/errors';

/** @public */
export interface RefreshingAsyncState<T> {
  value?: T;
  error?: Error;
  /** True only while there is nothing to show yet (first load, retry). */
  loading: boolean;
  retry: () => void;
  /** When the value was last loaded (ms since the epoch). */
  updatedAt?: number;
  /** Why the last quiet reload failed, while the old value stays shown. */
  refreshError?: Error;
}

interface State<T> {
  value?: T;
  error?: Error;
  loading: boolean;
  updatedAt?: number;
  refreshError?: Error;
}

/**
 * Loads a value, reloads it quietly whenever `refreshKey` changes (keeping
 * the old value on screen meanwhile), and starts afresh when `key` changes.
 * A quiet reload that fails keeps the old value, unless the answer is that
 * the thing is gone (404) or no longer visible (403); `refreshError` then
 * says why the value is no longer being updated.
 */
export function useRefreshingAsync<T>(
  fetcher: () => Promise<T>,
  key: string,
  refreshKey: number,
): RefreshingAsyncState<T> & {
  setValue: (update: (value: T) => T) => void;
} {
  const [state, setState] = useState<State<T>>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const loadedKey = useRef<string | undefined>(undefined);

  useEffect(() => {
    let cancelled = false;
    if (loadedKey.current !== key) {
      loadedKey.current = key;
      setState({ loading: true });
    }
    fetcherRef.current().then(
      value => {
        if (!cancelled) {
          setState({ value, loading: false, updatedAt: Date.now() });
        }
      },
      error => {
        if (!cancelled) {
          setState(prev =>
            prev.value !== undefined && isTransient(error)
              ? { ...prev, refreshError: error }
              : { error, loading: false },
          );
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, refreshKey, attempt]);

  const retry = useCallback(() => {
    setState({ loading: true });
    setAttempt(a => a + 1);
  }, []);

  const setValue = useCallback((update: (value: T) => T) => {
    setState(prev =>
      prev.value === undefined
        ? prev
        : { ...prev, value: update(prev.value), updatedAt: Date.now() },
    );
  }, []);

  return { ...state, retry, setValue };
}
