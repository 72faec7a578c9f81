import os from 'node:os';
import path from 'node:path';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { Destination, MergeStrategy, parseDestinations } from './engine';
import { KeyValueSources } from './runner/containerEnv';
import { SandboxOptions } from './runner/ProcessPipelineRunner';
import {
  KubernetesModeConfig,
  readKubernetesConfig,
} from './kubernetes/clusterConfig';
import {
  GitStateStoreConfig,
  readStateStoreGit,
} from './stateStore/git/gitStateStoreConfig';

/** The plugin's configuration, with defaults that make the demo work. */
export interface KratixConfig {
  strategy: MergeStrategy;
  reconcileIntervalMs: number;
  concurrency: number;
  statusMaxBytes: number;
  /** All outputs of one pipeline together. */
  outputMaxBytes: number;
  logMaxBytes: number;
  workDir: string;
  pollIntervalMs: number;
  leaseMs: number;
  /** First wait before a failed delete workflow runs again; doubles. */
  deleteRetryMs: number;
  deleteRetryMaxMs: number;
  /** First wait before a reconcile that failed with an error runs again; doubles. */
  errorRetryMs: number;
  errorRetryMaxMs: number;
  /**
   * A newer spec or a delete cancels a running workflow at once; by
   * default, as upstream, its running pipeline ends first.
   */
  cancelOnSupersede: boolean;
  runner: {
    timeoutMs: number;
    /** On shutdown: how long running workflows may go on before their containers stop. */
    shutdownGraceMs: number;
    images: Record<string, string[]>;
    sandbox: SandboxOptions;
    secrets: KeyValueSources;
    configMaps: KeyValueSources;
  };
  destinations: Destination[];
  /** For `filesystem`, the store; for `git`, its clone. */
  stateStorePath: string;
  /** `stateStore.type: git`: the repository, instead of the folder. */
  stateStoreGit?: GitStateStoreConfig;
  signalsIncludeStatus: boolean;
  seedFiles: string[];
  /** Kubernetes mode (`kratix.kubernetes`): the embedded engine is not used. */
  kubernetes?: KubernetesModeConfig;
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

/** `runner.process.sandbox`: how pipelines are isolated. */
function readSandbox(c: Config): SandboxOptions {
  if (c.has('runner.process.mountNamespace')) {
    throw new Error(
      'Config kratix.runner.process.mountNamespace is gone: containers run ' +
        'in a bubblewrap sandbox (kratix.runner.process.sandbox); ' +
        'sandbox.type: none runs them unsandboxed',
    );
  }
  const s = c.getOptionalConfig('runner.process.sandbox');
  const type = s?.getOptionalString('type') ?? 'bubblewrap';
  if (type !== 'bubblewrap' && type !== 'none') {
    throw new Error(
      `Invalid config kratix.runner.process.sandbox.type '${type}': expected 'bubblewrap' or 'none'`,
    );
  }
  return {
    type,
    bwrap: s?.getOptionalString('bwrap'),
    uid: s?.getOptionalNumber('uid'),
    gid: s?.getOptionalNumber('gid'),
    network: s?.getOptionalBoolean('network') ?? false,
    readOnlyPaths: s?.getOptionalStringArray('readOnlyPaths') ?? [],
    writablePaths: s?.getOptionalStringArray('writablePaths') ?? [],
  };
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
  const configured = c.getOptional('destinations') ?? [
    { name: 'local', labels: { environment: 'dev' } },
  ];
  if (!Array.isArray(configured)) {
    throw new Error('Invalid config kratix.destinations: must be a list');
  }
  const destinations = parseDestinations(configured);
  return {
    strategy,
    reconcileIntervalMs: durationMs(
      c,
      'engine.reconcileInterval',
      10 * 3600_000,
    ),
    concurrency: c.getOptionalNumber('engine.concurrency') ?? 4,
    statusMaxBytes: c.getOptionalNumber('engine.statusMaxBytes') ?? MiB,
    outputMaxBytes: c.getOptionalNumber('engine.outputMaxBytes') ?? 10 * MiB,
    logMaxBytes: c.getOptionalNumber('engine.logMaxBytes') ?? MiB,
    workDir: c.getOptionalString('engine.workDir') ?? os.tmpdir(),
    pollIntervalMs: durationMs(c, 'engine.pollInterval', 1000),
    leaseMs: durationMs(c, 'engine.leaseDuration', 30_000),
    deleteRetryMs: durationMs(c, 'engine.deleteRetryInterval', 10_000),
    deleteRetryMaxMs: durationMs(c, 'engine.deleteRetryMaxInterval', 600_000),
    errorRetryMs: durationMs(c, 'engine.errorRetryInterval', 5000),
    errorRetryMaxMs: durationMs(c, 'engine.errorRetryMaxInterval', 600_000),
    cancelOnSupersede:
      c.getOptionalBoolean('engine.cancelOnSupersede') ?? false,
    runner: {
      timeoutMs: durationMs(c, 'runner.timeout', 10 * 60_000),
      shutdownGraceMs: durationMs(c, 'runner.shutdownGracePeriod', 10_000),
      images:
        (c.getOptional('runner.process.images') as Record<string, string[]>) ??
        {},
      sandbox: readSandbox(c),
      secrets: readKeyValues(c, 'runner.process.secrets'),
      configMaps: readKeyValues(c, 'runner.process.configMaps'),
    },
    destinations,
    stateStorePath: path.resolve(
      c.getOptionalString('stateStore.path') ??
        // per instance: beside this backend, not shared on the host
        path.join(
          root.getOptionalString('backend.workingDirectory') ?? process.cwd(),
          'kratix-state-store',
        ),
    ),
    stateStoreGit: readStateStoreGit(c),
    signalsIncludeStatus:
      c.getOptionalBoolean('signals.includeStatus') ?? false,
    seedFiles: c.getOptionalStringArray('seedFiles') ?? [],
    kubernetes: readKubernetesConfig(c),
  };
}
