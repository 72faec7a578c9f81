// What reconcile mode's tests share: one test cluster per file, the node
// agent that plays its node, reconcile-mode engines on it, and teardown.
// Call reconcileFixture() at the top of a test file: it registers the
// beforeAll/afterAll hooks and its fields are set once beforeAll ran.
import { ConfigReader } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  TestBackend,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KratixConfig, readKratixConfig } from '../../config';
import { DatabaseKratixStore } from '../../database/DatabaseKratixStore';
import {
  createStore,
  createTestDatabases,
} from '../../database/__testUtils__/databases';
import { ParsedPromise, StateStore, parsePromise } from '../../engine';
import { kratixPlugin } from '../../plugin';
import { ProcessPipelineRunnerOptions } from '../../runner/ProcessPipelineRunner';
import {
  eventually,
  sandboxWritableDir,
} from '../../__testUtils__/startKratix';
import { createReconcileEngine } from '../reconcile/reconcileEngine';
import { Leadership } from '../reconcile/leadership';
import { LeaderElectionSettings } from '../reconcile/leaderElection';
import {
  PodPipelineRunner,
  PodPipelineRunnerOptions,
} from '../reconcile/PodPipelineRunner';
import { KubeTestCluster, startKubeTestCluster } from './kubeTestCluster';
import { NodeAgent, startNodeAgent } from './nodeAgent';

/** For CustomObjectsApi calls on Promises. */
export const PROMISES = {
  group: 'platform.kratix.io',
  version: 'v1alpha1',
  plural: 'promises',
};

/** The seeds' iam Promise's API (src/__testUtils__/iamPromise.ts). */
export const IAM = {
  group: 'example.promise.syntasso.io',
  version: 'v1',
  plural: 'iams',
};

/**
 * A Promise (YAML) whose API (group test.kratix.io, version v1) takes any
 * spec; `workflows` is the YAML of its spec.workflows, indented 4 spaces.
 */
export function apiPromiseYaml(
  names: { name: string; kind: string; plural: string },
  workflows: string,
): string {
  const { name, kind, plural } = names;
  return `apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: ${name}
spec:
  api:
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: { name: ${plural}.test.kratix.io }
    spec:
      group: test.kratix.io
      names: { kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()} }
      scope: Namespaced
      versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
  workflows:
${workflows}`;
}

/** A Promise (YAML) with nothing but its name: no API, no workflows. */
export const plainPromiseYaml = (name: string) =>
  `apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: ${name}
spec: {}
`;

/** For CustomObjectsApi calls on an apiPromiseYaml API's objects. */
export const testApi = (plural: string) => ({
  group: 'test.kratix.io',
  version: 'v1',
  plural,
});

/**
 * The YAML of a Promise's spec.workflows.resource (indented 4 spaces, for
 * apiPromiseYaml): per action, each Pipeline's name and its containers'
 * YAML (indented 14 spaces).
 */
export function resourceWorkflows(actions: {
  configure?: Record<string, string>;
  delete?: Record<string, string>;
}): string {
  const lines = ['    resource:'];
  for (const [action, pipelines] of Object.entries(actions)) {
    lines.push(`      ${action}:`);
    for (const [name, containers] of Object.entries(pipelines ?? {})) {
      lines.push(
        '        - apiVersion: platform.kratix.io/v1alpha1',
        '          kind: Pipeline',
        `          metadata: { name: ${name} }`,
        '          spec:',
        '            containers:',
        containers.replace(/\n$/, ''),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A container (YAML, for resourceWorkflows) whose `image` runs these sh lines. */
export function shContainer(
  name: string,
  image: string,
  ...lines: string[]
): string {
  return [
    `              - name: ${name}`,
    `                image: ${image}`,
    '                command: [sh, -c]',
    '                args:',
    '                  - |',
    ...lines.map(l => `                    ${l}`),
  ].join('\n');
}

/** An iam Promise (API example.kratix.io/v1 IAM) with these pipelines. */
export function iamPromise(
  configure: object[],
  spec: object = {},
): ParsedPromise {
  return parsePromise({
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name: 'iam' },
    spec: {
      api: {
        spec: {
          group: 'example.kratix.io',
          names: { kind: 'IAM', plural: 'iams' },
          scope: 'Namespaced',
          versions: [{ name: 'v1', served: true, storage: true }],
        },
      },
      ...spec,
      workflows: { resource: { configure } },
    },
  });
}

/** A logger that says nothing; `loud` shows warnings and errors. */
export function testLogger(loud = false): LoggerService {
  const say = (m: string) => (loud ? console.warn(m) : undefined);
  const logger: any = {
    debug: () => {},
    info: () => {},
    warn: say,
    error: say,
    child: () => logger,
  };
  return logger;
}

/** A Leadership gate the test switches (a follower at first). */
export function manualGate() {
  let leader = false;
  const listeners = new Set<(leader: boolean) => void>();
  const gate: Leadership & { set(value: boolean): void } = {
    isLeader: () => leader,
    onLeadershipChange: l => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    set: value => {
      leader = value;
      for (const l of listeners) l(value);
    },
  };
  return gate;
}

export type ReconcileEngine = Awaited<
  ReturnType<typeof createReconcileEngine>
> & {
  /** The config it runs with (a test may change it between runs). */
  config: KratixConfig;
  /** Its database: queue, workflow runs and their logs. */
  database: DatabaseKratixStore;
};

export interface EngineOptions {
  /** Merged into the `kratix` config (its `engine` key by key). */
  kratix?: { engine?: object; [key: string]: unknown };
  kubeConfig?: KubeConfig;
  leadership?: Leadership;
  leaderElection?: LeaderElectionSettings;
  stateStore?: StateStore;
  logger?: LoggerService;
  sweepMs?: number;
  /** Another engine's database, to share (a replica); a new one if unset. */
  database?: DatabaseKratixStore;
  /** False: created, not started (the test starts it). */
  start?: boolean;
}

export interface ReconcileFixture {
  databases: ReturnType<typeof createTestDatabases>;
  cluster: KubeTestCluster;
  /** Undefined with `nodeAgent: false`. */
  agent: NodeAgent;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  /** A temporary folder, removed at teardown. */
  dir: string;
  /** A folder that pipelines may write to. */
  markers: string;
  /** The node agent's and the Pod runners' work folder. */
  workDir: string;
  /** The node agent's process runner options. */
  processOptions: ProcessPipelineRunnerOptions;
  /** A started reconcile-mode engine (SQLite), stopped at teardown. */
  startEngine(options?: EngineOptions): Promise<ReconcileEngine>;
  /** A Pod runner on the cluster; `options` add to its kubeConfig and workDir. */
  podRunner(options?: Partial<PodPipelineRunnerOptions>): PodPipelineRunner;
  /** A cluster-scoped or namespaced custom object; null when not found. */
  read(
    where: typeof PROMISES,
    name: string,
    namespace?: string,
  ): Promise<any | null>;
  /** Until the Promise's status is Available; returns it. */
  promiseAvailable(name: string): Promise<any>;
  /** Applies YAML once the API server takes it (a new CRD, a namespace). */
  applyWhenReady(yaml: string): Promise<void>;
  /** Applies an apiPromiseYaml Promise; until it is Available. */
  applyPromise(
    names: Parameters<typeof apiPromiseYaml>[0],
    workflows: string,
  ): Promise<any>;
  /**
   * Applies the Promise `slow` (API Slow, plural slows) whose configure
   * Pipeline `wait` runs these sh lines in its container `waiter`; until
   * it is Available.
   */
  applySlowPromise(...lines: string[]): Promise<any>;
  /** Applies an apiPromiseYaml API's object in `default` (spec: YAML or an object). */
  applyResource(
    kind: string,
    name: string,
    spec?: string | object,
  ): Promise<void>;
  /**
   * The real plugin in a test backend, stopped at teardown: `kratix` adds
   * to its config (its state store in `dir`, a 50 ms poll interval).
   */
  startPlugin(
    kratix: { engine?: object; kubernetes: object },
    features?: Parameters<typeof startTestBackend>[0]['features'],
  ): Promise<TestBackend>;
  /** Runs `work` at teardown, before the engines and cluster stop. */
  onTeardown(work: () => Promise<unknown>): void;
  /** Until the read gives null. */
  untilGone(read: () => Promise<unknown>, timeoutMs?: number): Promise<void>;
}

export function reconcileFixture(
  options: {
    /** The folders' name prefix. */
    name?: string;
    /** Images the node agent runs, each a shell script's body. */
    scripts?: Record<string, string>;
    nodeAgent?: boolean;
    /** Creates the kratix-platform-system namespace. */
    platformNamespace?: boolean;
  } = {},
): ReconcileFixture {
  const databases = createTestDatabases();
  const engines: ReconcileEngine[] = [];
  const teardown: Array<() => Promise<unknown>> = [];
  const f = { databases } as ReconcileFixture;

  beforeAll(async () => {
    f.dir = fs.mkdtempSync(
      path.join(os.tmpdir(), `kratix-${options.name ?? 'reconcile'}-`),
    );
    f.markers = sandboxWritableDir(f.dir, 'markers');
    const scripts = sandboxWritableDir(f.dir, 'scripts');
    f.workDir = fs.mkdtempSync(path.join(f.dir, 'work-'));
    fs.chmodSync(f.workDir, 0o711);
    const images: Record<string, string[]> = {};
    for (const [image, body] of Object.entries(options.scripts ?? {})) {
      const file = path.join(scripts, `${image.replace(/\W/g, '_')}.sh`);
      fs.writeFileSync(file, `${body}\n`);
      images[image] = ['sh', file];
    }
    f.processOptions = {
      images,
      workDir: f.workDir,
      sandbox: { readOnlyPaths: [scripts], writablePaths: [f.markers] },
    };
    f.cluster = await startKubeTestCluster();
    f.custom = f.cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    f.core = f.cluster.kubeConfig.makeApiClient(CoreV1Api);
    if (options.platformNamespace) {
      await f.core.createNamespace({
        body: { metadata: { name: 'kratix-platform-system' } },
      });
    }
    if (options.nodeAgent !== false) {
      f.agent = await startNodeAgent(f.cluster, f.processOptions);
    }
  });

  afterAll(async () => {
    for (const work of teardown.splice(0)) await work().catch(() => {});
    for (const engine of engines.splice(0)) await engine.stop();
    await f.agent?.stop();
    f.cluster?.stop();
    if (f.dir) fs.rmSync(f.dir, { recursive: true, force: true });
  });

  f.startEngine = async (o = {}) => {
    // The clock read at each call: a test may fake Date.
    const store =
      o.database ??
      (await createStore(databases, 'SQLITE_3', { now: () => Date.now() }))
        .store;
    const { engine: engineConfig, ...kratix } = o.kratix ?? {};
    const config = readKratixConfig(
      new ConfigReader({
        kratix: {
          stateStore: { path: path.join(f.dir, 'state') },
          ...kratix,
          engine: {
            pollInterval: '50ms',
            leaseDuration: '2s',
            ...engineConfig,
          },
        },
      }),
    );
    const engine = await createReconcileEngine({
      cluster: {
        name: 'test',
        kubeConfig: o.kubeConfig ?? f.cluster.kubeConfig,
      },
      config,
      database: { store },
      logger: o.logger ?? testLogger(),
      sweepMs: o.sweepMs ?? 200,
      leadership: o.leadership,
      leaderElection: o.leaderElection,
      stateStore: o.stateStore,
    });
    if (o.start !== false) await engine.start();
    const started: ReconcileEngine = Object.assign(engine, {
      config,
      database: store,
    });
    // Stopped once: by the test, or else at teardown.
    const stop = engine.stop;
    let stopped: Promise<void> | undefined;
    engine.stop = () => (stopped ??= stop());
    engines.push(started);
    return started;
  };

  f.onTeardown = work => void teardown.push(work);

  f.podRunner = runnerOptions =>
    new PodPipelineRunner({
      kubeConfig: f.cluster.kubeConfig,
      workDir: f.workDir,
      ...runnerOptions,
    });

  f.read = (where, name, namespace) =>
    (namespace
      ? f.custom.getNamespacedCustomObject({ ...where, namespace, name })
      : f.custom.getClusterCustomObject({ ...where, name })
    ).then(
      o => o as any,
      e => {
        if (e.code === 404) return null;
        throw e;
      },
    );

  f.promiseAvailable = name =>
    eventually(async () => {
      const p = await f.read(PROMISES, name);
      return p?.status?.status === 'Available' ? p : undefined;
    });

  f.applyWhenReady = yaml =>
    eventually(() =>
      f.cluster.apply(yaml).then(
        () => true,
        () => undefined,
      ),
    ).then(() => {});

  f.applyPromise = async (names, workflows) => {
    await f.applyWhenReady(apiPromiseYaml(names, workflows));
    return f.promiseAvailable(names.name);
  };

  f.applySlowPromise = (...lines) =>
    f.applyPromise(
      { name: 'slow', kind: 'Slow', plural: 'slows' },
      resourceWorkflows({
        configure: { wait: shContainer('waiter', 'waiter:v1', ...lines) },
      }),
    );

  f.applyResource = (kind, name, spec = {}) =>
    f.applyWhenReady(`apiVersion: test.kratix.io/v1
kind: ${kind}
metadata: { name: ${name}, namespace: default }
spec: ${typeof spec === 'string' ? spec : JSON.stringify(spec)}
`);

  f.startPlugin = async (kratix, features = []) => {
    const backend = await startTestBackend({
      features: [
        kratixPlugin,
        mockServices.rootConfig.factory({
          data: {
            kratix: {
              stateStore: { path: path.join(f.dir, 'state') },
              ...kratix,
              engine: { pollInterval: '50ms', ...kratix.engine },
            },
          },
        }),
        ...features,
      ],
    });
    f.onTeardown(() => backend.stop());
    return backend;
  };

  f.untilGone = (read, timeoutMs) =>
    eventually(
      () =>
        read().then(
          o => (o === null ? true : undefined),
          e => (e.code === 404 ? true : undefined),
        ),
      timeoutMs,
    ).then(() => {});

  return f;
}
