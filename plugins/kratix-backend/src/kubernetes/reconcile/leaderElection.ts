// One reconciler among the replicas: a coordination.k8s.io Lease names the
// leader, as client-go's leader election does (client-node 2.x has none).
// The leader renews the Lease every renew interval; the others take it
// over once it has not changed for its duration, as they observed it (their
// own clocks, never the leader's). A leader that cannot renew steps down
// one renew interval before the Lease can expire, so two never lead at once;
// a renewal answered only after that (a stall) starts no term.
// Every write carries the resourceVersion it read: a race loses with 409.
import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoordinationV1Api,
  KubeConfig,
  V1Lease,
  V1LeaseSpec,
  V1MicroTime,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { describeError } from '../ClusterCache';

export interface LeaderElectionSettings {
  leaseName: string;
  leaseNamespace: string;
  /** How long a Lease not renewed holds. */
  leaseDurationSeconds: number;
  /** How often the leader renews, and the others try to take over. */
  renewIntervalSeconds: number;
}

export const LEADER_ELECTION_DEFAULTS: LeaderElectionSettings = {
  leaseName: 'kratix-backstage-reconciler',
  leaseNamespace: 'kratix-platform-system',
  leaseDurationSeconds: 10,
  renewIntervalSeconds: 2,
};

const KEY = 'kratix.kubernetes.leaderElection';

/** `kratix.kubernetes.leaderElection`, with the defaults; checked. */
export function readLeaderElectionConfig(
  config: Config,
): LeaderElectionSettings {
  const c = config.getOptionalConfig(KEY);
  const settings = {
    leaseName: c?.getOptionalString('leaseName'),
    leaseNamespace: c?.getOptionalString('leaseNamespace'),
    leaseDurationSeconds: c?.getOptionalNumber('leaseDurationSeconds'),
    renewIntervalSeconds: c?.getOptionalNumber('renewIntervalSeconds'),
  };
  return checkSettings(settings);
}

function checkSettings(
  given: Partial<LeaderElectionSettings>,
): LeaderElectionSettings {
  const s = { ...LEADER_ELECTION_DEFAULTS };
  for (const [k, v] of Object.entries(given)) {
    if (v !== undefined) (s as Record<string, unknown>)[k] = v;
  }
  const dns = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
  for (const k of ['leaseName', 'leaseNamespace'] as const) {
    if (!dns.test(s[k])) {
      throw new Error(
        `${KEY}.${k} must be a Kubernetes name (lower case letters, digits, '-', '.'), not '${s[k]}'`,
      );
    }
  }
  const { leaseDurationSeconds: lease, renewIntervalSeconds: renew } = s;
  if (!Number.isInteger(lease) || lease < 3) {
    throw new Error(
      `${KEY}.leaseDurationSeconds must be a whole number of seconds, at least 3, not ${lease}`,
    );
  }
  if (!(renew > 0) || renew * 3 > lease) {
    throw new Error(
      `${KEY}.renewIntervalSeconds must be more than 0 and at most a third of leaseDurationSeconds (${lease}), not ${renew}`,
    );
  }
  return s;
}

/** The Lease calls the elector makes (a CoordinationV1Api). */
export type LeaseApi = Pick<
  CoordinationV1Api,
  'readNamespacedLease' | 'createNamespacedLease' | 'replaceNamespacedLease'
>;

export interface LeaderElectorOptions extends Partial<LeaderElectionSettings> {
  kubeConfig: KubeConfig;
  logger?: LoggerService;
  /** Unique per replica; default hostname, pid and a random part. */
  identity?: string;
  /** Default: the kubeConfig's CoordinationV1Api (tests wrap it). */
  api?: LeaseApi;
}

type Attempt = 'leader' | 'follower' | 'unknown';

const codeOf = (e: unknown) => (e as { code?: unknown })?.code;
const ABORTED = AbortSignal.abort();

export class LeaderElector {
  readonly identity: string;
  readonly settings: LeaderElectionSettings;
  private readonly api: LeaseApi;
  private readonly logger?: LoggerService;
  private readonly listeners = new Set<(leader: boolean) => void>();
  private term?: AbortController;
  private running = false;
  private next?: NodeJS.Timeout;
  private deadline?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  /** When the current term ends unless renewed (local clock, ms). */
  private leadUntil = 0;
  /** The Lease's record as last seen, and when (local clock) it changed. */
  private observed?: { record: string; at: number; durationMs: number };

  constructor(options: LeaderElectorOptions) {
    const { kubeConfig, logger, identity, api, ...given } = options;
    this.settings = checkSettings(given);
    this.identity =
      identity ??
      `${os.hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.api = api ?? kubeConfig.makeApiClient(CoordinationV1Api);
    this.logger = logger;
  }

  /** Starts electing; resolves after the first attempt. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.attempt();
  }

  /**
   * Stops. A leader releases the Lease so that another replica takes over
   * at its next try; `release: false` leaves it to expire, as a crash does.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.running = false;
    clearTimeout(this.next);
    await this.inFlight;
    const wasLeader = this.isLeader();
    this.stepDown();
    if (wasLeader && options.release !== false) {
      await this.release().catch(e =>
        this.logger?.warn(
          `Lease ${this.where()}: could not release it: ${describeError(e)}`,
        ),
      );
    }
  }

  /**
   * By the clock too: a replica that stalled (a GC pause, a starved CPU)
   * past its lead knows it at once, before its deadline's timer runs.
   */
  isLeader(): boolean {
    return this.term !== undefined && Date.now() < this.leadUntil;
  }

  /**
   * Aborts when this term of leadership ends (lost, or stopped): work
   * started as leader takes it. Already aborted when not leading.
   */
  get signal(): AbortSignal {
    return this.term?.signal ?? ABORTED;
  }

  /** Called with true on gaining leadership, false on losing it. */
  onChange(listener: (leader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The same, under the name reconcile mode's Leadership gate uses. */
  onLeadershipChange(listener: (leader: boolean) => void): () => void {
    return this.onChange(listener);
  }

  private where() {
    return `${this.settings.leaseNamespace}/${this.settings.leaseName}`;
  }

  private attempt(): Promise<void> {
    const run = async () => {
      const started = Date.now();
      let result: Attempt;
      try {
        result = await this.tryAcquireOrRenew();
      } catch (e) {
        this.logger?.warn(`Lease ${this.where()}: ${describeError(e)}`);
        result = 'unknown';
      }
      if (!this.running) return;
      if (result === 'leader') this.renewed(started);
      // Unknown (an error, a lost race): a leader holds on to its deadline.
      else if (result === 'follower') this.stepDown();
      this.schedule();
    };
    this.inFlight = run();
    return this.inFlight;
  }

  private schedule() {
    const { renewIntervalSeconds } = this.settings;
    let wait = renewIntervalSeconds * 1000;
    if (!this.isLeader() && this.observed) {
      // Try right when the Lease expires, not up to an interval later.
      const expires = this.observed.at + this.observed.durationMs;
      wait = Math.min(wait, Math.max(expires - Date.now(), 0) + 20);
    }
    this.next = setTimeout(() => void this.attempt(), wait);
  }

  /** Renewed at `started`: lead until one interval before it can expire. */
  private renewed(started: number) {
    const { leaseDurationSeconds, renewIntervalSeconds } = this.settings;
    clearTimeout(this.deadline);
    const until =
      started + (leaseDurationSeconds - renewIntervalSeconds) * 1000;
    if (until <= Date.now()) {
      // Answered too late (a stall, a slow API server): another may lead.
      this.logger?.warn(
        `Lease ${this.where()}: renewed too late to lead on, no longer the leader`,
      );
      this.stepDown();
      return;
    }
    this.leadUntil = until;
    this.deadline = setTimeout(() => {
      this.logger?.warn(
        `Lease ${this.where()}: not renewed in time, no longer the leader`,
      );
      this.stepDown();
    }, until - Date.now());
    if (this.term) return;
    this.term = new AbortController();
    this.logger?.info(`Lease ${this.where()}: ${this.identity} leads`);
    this.notify(true);
  }

  private stepDown() {
    clearTimeout(this.deadline);
    if (!this.term) return;
    const term = this.term;
    this.term = undefined;
    term.abort(new Error('no longer the leader'));
    this.notify(false);
  }

  private notify(leader: boolean) {
    for (const listener of this.listeners) {
      try {
        listener(leader);
      } catch (e) {
        this.logger?.error(
          `Lease ${this.where()}: a leadership listener failed: ${describeError(
            e,
          )}`,
        );
      }
    }
  }

  /** Notes when the Lease's record last changed, by the local clock. */
  private observe(spec: V1LeaseSpec) {
    const record = JSON.stringify([
      spec.holderIdentity,
      spec.renewTime,
      spec.leaseDurationSeconds,
    ]);
    if (this.observed?.record === record) return;
    const seconds =
      spec.leaseDurationSeconds ?? this.settings.leaseDurationSeconds;
    this.observed = { record, at: Date.now(), durationMs: seconds * 1000 };
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { leaseName: name, leaseNamespace: namespace } = this.settings;
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (e) {
      if (codeOf(e) !== 404) throw e;
      return this.write(() =>
        this.api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: this.record(undefined),
          },
        }),
      );
    }
    const spec = lease.spec ?? {};
    this.observe(spec);
    const holder = spec.holderIdentity;
    if (holder && holder !== this.identity) {
      const { at, durationMs } = this.observed!;
      if (Date.now() < at + durationMs) return 'follower';
    }
    return this.write(() =>
      this.api.replaceNamespacedLease({
        name,
        namespace,
        body: { ...lease, spec: this.record(spec) },
      }),
    );
  }

  /** A write that loses a race (409) is not an error. */
  private async write(call: () => Promise<V1Lease>): Promise<Attempt> {
    try {
      const written = await call();
      this.observe(written.spec ?? {});
      return 'leader';
    } catch (e) {
      if (codeOf(e) === 409) return 'unknown';
      throw e;
    }
  }

  /** The Lease's spec with this replica holding it, renewed now. */
  private record(old: V1LeaseSpec | undefined): V1LeaseSpec {
    const now = new V1MicroTime();
    const renewing = old?.holderIdentity === this.identity;
    const transitions = old?.leaseTransitions ?? 0;
    return {
      ...old,
      holderIdentity: this.identity,
      leaseDurationSeconds: this.settings.leaseDurationSeconds,
      acquireTime: renewing ? old?.acquireTime ?? now : now,
      renewTime: now,
      // As client-go: each change of holder, a new Lease starting at 0.
      leaseTransitions: renewing || !old ? transitions : transitions + 1,
    };
  }

  /** Gives the Lease up if still ours: the next try of another takes it. */
  private async release(): Promise<void> {
    const { leaseName: name, leaseNamespace: namespace } = this.settings;
    const lease = await this.api.readNamespacedLease({ name, namespace });
    if (lease.spec?.holderIdentity !== this.identity) return;
    const now = new V1MicroTime();
    await this.api.replaceNamespacedLease({
      name,
      namespace,
      body: {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: undefined,
          leaseDurationSeconds: 1,
          renewTime: now,
        },
      },
    });
  }
}
