import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { kratixApiRef } from '../api';

/** The URL query parameter that names the cluster, so links keep it. */
export const CLUSTER_PARAM = 'cluster';

export interface ClusterChoice {
  /** True until the backend said which clusters there are. */
  loading: boolean;
  /** The cluster to read; undefined: the backend's default (or only) one. */
  cluster?: string;
  /** The clusters to choose from: empty unless there are several. */
  choices: string[];
  /** Picks a cluster (into the URL). */
  choose(cluster: string): void;
}

/**
 * Which cluster the Kratix page reads: `fixed` (a prop) when set, else the
 * URL's `?cluster=`, else, with several clusters, the first. A backend
 * that cannot list its clusters counts as one with none.
 */
export function useClusterChoice(fixed?: string): ClusterChoice {
  const api = useApi(kratixApiRef);
  const [params, setParams] = useSearchParams();
  const [clusters, setClusters] = useState<string[] | undefined>(
    fixed ? [] : undefined,
  );
  useEffect(() => {
    if (fixed) return undefined;
    let cancelled = false;
    api.listClusters().then(
      names => !cancelled && setClusters(names),
      () => !cancelled && setClusters([]),
    );
    return () => {
      cancelled = true;
    };
  }, [api, fixed]);

  const asked = params.get(CLUSTER_PARAM) || undefined;
  const several = (clusters?.length ?? 0) > 1;
  const cluster = fixed ?? asked ?? (several ? clusters![0] : undefined);
  const choices =
    fixed || !clusters
      ? []
      : [...new Set([...clusters, ...(asked ? [asked] : [])])];
  return {
    loading: clusters === undefined,
    cluster,
    choices: choices.length > 1 ? choices : [],
    choose: name =>
      setParams(previous => {
        const next = new URLSearchParams(previous);
        next.set(CLUSTER_PARAM, name);
        return next;
      }),
  };
}

/** `?cluster=<name>` for links that keep the cluster, or nothing. */
export function clusterSearch(cluster?: string): string {
  return cluster ? `?${new URLSearchParams({ [CLUSTER_PARAM]: cluster })}` : '';
}
