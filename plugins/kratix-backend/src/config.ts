import os from 'node:os';
import path from 'node:path';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { Destination, MergeStrategy } from './engine';
import { KeyValueSources } from './runner/containerEnv';

/** The plugin's configuration, with defaults that make the demo work. */
export interface KratixConfig {
  strategy: MergeStrategy;
  reconcileIntervalMs: number;
  concurrency: number;
  statusMaxBytes: number;
  logMaxBytes: number;
  workDir: string;
  pollIntervalMs: number;
  leaseMs: number;
  /** First wait before a failed delete workflow runs again; doubles. */
  deleteRetryMs: number;
  deleteRetryMaxMs: number;
  runner: {
    timeoutMs: number;
    images: Record<string, string[]>;
    mountNamespace: boolean;
    secrets: KeyValueSources;
    configMaps: KeyValueSources;
  };
  destinations: Destination[];
  stateStorePath: string;
  signalsIncludeStatus: boolean;
  seedFiles: string[];
}

const MiB = 1024 * 1024;

function durationMs(config: Config, key: string, fallbackMs: number): number {
  if (!config.has(key)) return fallbackMs;
  return durationToMilliseconds(readDurationFromConfig(config, { key }));
}

/** `name: {key: value}` maps; values must be strings. */
function readKeyValues(config: Config, key: string): KeyValueSources {
  const sources: KeyValueSources = {};
  const names = config.getOptionalConfig(key);
  for (const name of names?.keys() ?? []) {
    const values = names!.getConfig(name);
    sources[name] = Object.fromEntries(
      values.keys().map(k => [k, values.getString(k)]),
    );
  }
  return sources;
}

/** Reads `kratix.*`; every key is optional. */
export function readKratixConfig(root: Config): KratixConfig {
  const c = root.getOptionalConfig('kratix') ?? new ConfigReader({});
  const strategy = c.getOptionalString('engine.statusMerge') ?? 'deep';
  if (strategy !== 'deep' && strategy !== 'shallow') {
    throw new Error(
      `Invalid config kratix.engine.statusMerge '${strategy}': expected 'deep' or 'shallow'`,
    );
  }
  const destinations = c.getOptionalConfigArray('destinations')?.map(d => ({
    name: d.getString('name'),
    labels: (d.getOptional('labels') as Record<string, string>) ?? {},
  })) ?? [{ name: 'local', labels: { environment: 'dev' } }];
  return {
    strategy,
    reconcileIntervalMs: durationMs(
      c,
      'engine.reconcileInterval',
      10 * 3600_000,
    ),
    concurrency: c.getOptionalNumber('engine.concurrency') ?? 4,
    statusMaxBytes: c.getOptionalNumber('engine.statusMaxBytes') ?? MiB,
    logMaxBytes: c.getOptionalNumber('engine.logMaxBytes') ?? MiB,
    workDir: c.getOptionalString('engine.workDir') ?? os.tmpdir(),
    pollIntervalMs: durationMs(c, 'engine.pollInterval', 1000),
    leaseMs: durationMs(c, 'engine.leaseDuration', 30_000),
    deleteRetryMs: durationMs(c, 'engine.deleteRetryInterval', 10_000),
    deleteRetryMaxMs: durationMs(c, 'engine.deleteRetryMaxInterval', 600_000),
    runner: {
      timeoutMs: durationMs(c, 'runner.timeout', 10 * 60_000),
      images:
        (c.getOptional('runner.process.images') as Record<string, string[]>) ??
        {},
      mountNamespace:
        c.getOptionalBoolean('runner.process.mountNamespace') ?? true,
      secrets: readKeyValues(c, 'runner.process.secrets'),
      configMaps: readKeyValues(c, 'runner.process.configMaps'),
    },
    destinations,
    stateStorePath:
      c.getOptionalString('stateStore.path') ??
      path.join(os.tmpdir(), 'kratix-state-store'),
    signalsIncludeStatus:
      c.getOptionalBoolean('signals.includeStatus') ?? false,
    seedFiles: c.getOptionalStringArray('seedFiles') ?? [],
  };
}
