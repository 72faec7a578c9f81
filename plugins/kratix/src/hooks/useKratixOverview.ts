import { useApi } from '@backstage/core-plugin-api';
import { KratixPromise } from '@kratix-backstage/plugin-kratix-common';
import { useEffect, useState } from 'react';
import { KratixApi, kratixApiRef, listAllResources } from '../api';
import { PromisedResource } from '../lib/overview';
import { useRefreshingAsync } from './useRefreshingAsync';

/** Everything the Kratix page shows, read in one go. */
export interface KratixOverview {
  promises: KratixPromise[];
  resources: PromisedResource[];
  /** Promises whose Resources could not be listed, with why. */
  failures: Array<{ promise: string; error: Error }>;
}

/** Every Promise, then every page of each Promise's Resources. */
export async function loadOverview(
  api: KratixApi,
  cluster?: string,
): Promise<KratixOverview> {
  const promises = await api.listPromises({ cluster });
  const lists = await Promise.all(
    promises.map(async promise => {
      const name = promise.metadata.name;
      try {
        const items = await listAllResources(api, name, { cluster });
        return { name, items };
      } catch (error) {
        return { name, items: [], error: error as Error };
      }
    }),
  );
  return {
    promises,
    resources: lists.flatMap(({ name, items }) =>
      items.map(resource => ({ promise: name, resource })),
    ),
    failures: lists.flatMap(({ name, error }) =>
      error ? [{ promise: name, error }] : [],
    ),
  };
}

/** Reads the overview, and again quietly every `pollIntervalMs`. */
export function useKratixOverview(options: {
  cluster?: string;
  pollIntervalMs: number;
}) {
  const api = useApi(kratixApiRef);
  const { cluster, pollIntervalMs } = options;
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (pollIntervalMs <= 0) return undefined;
    const timer = setInterval(() => setTick(t => t + 1), pollIntervalMs);
    return () => clearInterval(timer);
  }, [pollIntervalMs]);
  return useRefreshingAsync(
    () => loadOverview(api, cluster),
    cluster ?? '',
    tick,
  );
}
