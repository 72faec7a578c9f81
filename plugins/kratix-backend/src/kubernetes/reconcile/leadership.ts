// The gate reconcile mode runs behind: only the leader reconciles. A Lease
// elects it when several replicas share a cluster; one alone always leads.

export interface Leadership {
  isLeader(): boolean;
  /** Calls `listener` on each change; returns the unsubscribe. */
  onLeadershipChange(listener: (leader: boolean) => void): () => void;
}

/** One replica: always the leader. */
export const alwaysLeader: Leadership = {
  isLeader: () => true,
  onLeadershipChange: () => () => {},
};
