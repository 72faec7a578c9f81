// The Pod that runs one pipeline of a workflow, as upstream Kratix's
// pipeline Job would: labelled the same, a reader init container writing
// /kratix/input/object.yaml, the pipeline's containers as init containers
// (so they run in order), and a last container, the collector, handing
// what they wrote to the engine through its log (see ./collect.ts).
import {
  V1Container,
  V1EnvVar,
  V1Pod,
  V1PodSpec,
  V1ServiceAccount,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import {
  Pipeline,
  PipelineContainer,
  PipelineRunRequest,
} from '../../engine/interfaces';
import { JobLabels } from '../pipelineJobs';
import { collectorScript } from './collect';
import { parseYamlDocument } from '../../engine/yamlDocuments';

export const READER_CONTAINER = 'reader';
export const COLLECTOR_CONTAINER = 'kratix-collector';
/** The Pod's label naming the engine's run of the pipeline. */
export const RUN_ID_LABEL = 'kratix.io/pipeline-run';
/** The Pod's annotation holding the whole run id (for adoption). */
export const RUN_ID_ANNOTATION = 'kratix.io/pipeline-run-id';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'Kratix' };
/** The env var the reader writes to /kratix/input/object.yaml. */
export const OBJECT_ENV = 'KRATIX_OBJECT_YAML';
/** An env var holds at most 128 KiB on Linux; the reader's must fit. */
export const OBJECT_MAX_BYTES = 120 * 1024;

/** The object YAML a Pod's reader container hands its pipeline. */
export function readerObjectYaml(pod: V1Pod): string | undefined {
  return pod.spec?.initContainers
    ?.find(c => c.name === READER_CONTAINER)
    ?.env?.find(e => e.name === OBJECT_ENV)?.value;
}

/**
 * A reader's object YAML as a value: a Pod on the cluster is anyone's
 * input, so at most `OBJECT_MAX_BYTES`, through the engine's depth-checked
 * YAML reader; undefined when missing, too large or unreadable.
 */
export function parseObjectYaml(
  yaml: string | undefined,
): Record<string, any> | undefined {
  if (!yaml || Buffer.byteLength(yaml) > OBJECT_MAX_BYTES) return undefined;
  try {
    const value = parseYamlDocument(yaml, 'object');
    return value && typeof value === 'object'
      ? (value as Record<string, any>)
      : undefined;
  } catch {
    return undefined;
  }
}

export interface PodPipelineOptions {
  /** Namespace of a Promise workflow's Pods (upstream's kratix-platform-system). */
  systemNamespace: string;
  /** Image of the reader and the collector: sh, tar, base64 (e.g. busybox). */
  utilityImage: string;
}

const SHARED = ['input', 'output', 'metadata'] as const;
const volumeOf = (dir: string) => `shared-${dir}`;

/** The Pod's namespace: the Resource's, or the system's for a Promise. */
export function pipelineNamespace(
  env: Record<string, string>,
  options: PodPipelineOptions,
): string {
  return env.KRATIX_OBJECT_NAMESPACE || options.systemNamespace;
}

/** Labels of the Pod, as upstream labels its pipeline Jobs and Pods. */
export function pipelineLabels(
  request: Pick<PipelineRunRequest, 'env' | 'runId'>,
): Record<string, string> {
  const { env } = request;
  const resource = env.KRATIX_WORKFLOW_TYPE === 'resource';
  return {
    [JobLabels.promise]: env.KRATIX_PROMISE_NAME,
    [JobLabels.workflowType]: env.KRATIX_WORKFLOW_TYPE,
    [JobLabels.workflowAction]: env.KRATIX_WORKFLOW_ACTION,
    [JobLabels.pipeline]: env.KRATIX_PIPELINE_NAME,
    ...(resource && {
      [JobLabels.resourceName]: env.KRATIX_OBJECT_NAME,
      [JobLabels.resourceNamespace]: env.KRATIX_OBJECT_NAMESPACE,
    }),
    ...MANAGED_BY,
    [RUN_ID_LABEL]: shortHash(request.runId),
  };
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/** A DNS-1123 name: `kratix-<promise>[-<resource>]-<pipeline>-<run>`. */
export function pipelinePodName(
  request: Pick<PipelineRunRequest, 'env' | 'runId'>,
): string {
  const { env } = request;
  const parts = ['kratix', env.KRATIX_PROMISE_NAME];
  if (env.KRATIX_WORKFLOW_TYPE === 'resource')
    parts.push(env.KRATIX_OBJECT_NAME);
  parts.push(env.KRATIX_PIPELINE_NAME);
  const base = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 52)
    .replace(/-+$/, '');
  return `${base}-${shortHash(request.runId)}`;
}

/**
 * The pipeline's ServiceAccount name: `rbac.serviceAccount`, or upstream's
 * `<promise>-<type>-<action>-<pipeline>`.
 */
export function serviceAccountName(
  pipeline: Pipeline,
  env: Record<string, string>,
): string {
  const given = (pipeline.pod?.rbac as { serviceAccount?: string } | undefined)
    ?.serviceAccount;
  return (
    given ||
    [
      env.KRATIX_PROMISE_NAME,
      env.KRATIX_WORKFLOW_TYPE,
      env.KRATIX_WORKFLOW_ACTION,
      pipeline.name,
    ].join('-')
  );
}

/** The ServiceAccount the pipeline's Pod runs as. */
export function pipelineServiceAccount(
  request: Pick<PipelineRunRequest, 'env' | 'pipeline'>,
  options: PodPipelineOptions,
): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: serviceAccountName(request.pipeline, request.env),
      namespace: pipelineNamespace(request.env, options),
      labels: { [JobLabels.promise]: request.env.KRATIX_PROMISE_NAME },
    },
  };
}

/** Kratix's own containers: no privileges, little room. */
const UTILITY_SECURITY = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  runAsUser: 65534,
  capabilities: { drop: ['ALL'] },
};
const UTILITY_RESOURCES = {
  requests: { cpu: '10m', memory: '16Mi' },
  limits: { cpu: '200m', memory: '64Mi' },
};

function mount(dir: (typeof SHARED)[number], readOnly: boolean): V1VolumeMount {
  return { name: volumeOf(dir), mountPath: `/kratix/${dir}`, readOnly };
}

function toEnv(env: Record<string, string>): V1EnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}

/** A container's own env, as Kubernetes takes it. */
function containerEnv(container: PipelineContainer): V1EnvVar[] {
  return (container.env ?? []).map(e => {
    const from = e.valueFrom;
    if (!from?.secretKeyRef && !from?.configMapKeyRef) {
      return { name: e.name, value: e.value ?? '' };
    }
    return {
      name: e.name,
      valueFrom: {
        ...(from.secretKeyRef && { secretKeyRef: from.secretKeyRef }),
        ...(from.configMapKeyRef && { configMapKeyRef: from.configMapKeyRef }),
      },
    };
  });
}

function pipelineContainer(
  container: PipelineContainer,
  kratixEnv: V1EnvVar[],
): V1Container {
  const pod = (container.pod ?? {}) as Partial<V1Container>;
  return {
    name: container.name,
    image: container.image,
    ...(container.command && { command: container.command }),
    ...(container.args && { args: container.args }),
    env: [...kratixEnv, ...containerEnv(container)],
    ...(pod.envFrom && { envFrom: pod.envFrom }),
    volumeMounts: [
      mount('input', true),
      mount('output', false),
      mount('metadata', false),
      ...(pod.volumeMounts ?? []),
    ],
    imagePullPolicy: pod.imagePullPolicy ?? 'IfNotPresent',
    ...(pod.resources && { resources: pod.resources }),
    ...(pod.securityContext && { securityContext: pod.securityContext }),
  };
}

/** The Pod that runs `request`'s pipeline. Pure. */
export function buildPipelinePod(
  request: Pick<
    PipelineRunRequest,
    | 'runId'
    | 'pipeline'
    | 'env'
    | 'objectYaml'
    | 'statusMaxBytes'
    | 'outputMaxBytes'
    | 'collectOutputs'
  >,
  options: PodPipelineOptions,
): V1Pod {
  const { pipeline } = request;
  const pod = (pipeline.pod ?? {}) as Partial<V1PodSpec>;
  const labels = pipelineLabels(request);
  const kratixEnv = toEnv(request.env);
  const reader: V1Container = {
    name: READER_CONTAINER,
    image: options.utilityImage,
    command: [
      'sh',
      '-c',
      `rm -f /kratix/input/object.yaml && printf '%s' "$${OBJECT_ENV}" > /kratix/input/object.yaml`,
    ],
    env: [{ name: OBJECT_ENV, value: request.objectYaml }],
    volumeMounts: [mount('input', false)],
    securityContext: UTILITY_SECURITY,
    resources: UTILITY_RESOURCES,
  };
  const collector: V1Container = {
    name: COLLECTOR_CONTAINER,
    image: options.utilityImage,
    command: ['sh', '-c', collectorScript(request)],
    volumeMounts: [mount('output', true), mount('metadata', true)],
    securityContext: UTILITY_SECURITY,
    resources: UTILITY_RESOURCES,
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pipelinePodName(request),
      namespace: pipelineNamespace(request.env, options),
      labels,
      annotations: { [RUN_ID_ANNOTATION]: request.runId },
    },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: serviceAccountName(pipeline, request.env),
      initContainers: [
        reader,
        ...pipeline.containers.map(c => pipelineContainer(c, kratixEnv)),
      ],
      containers: [collector],
      volumes: [
        ...SHARED.map(dir => ({ name: volumeOf(dir), emptyDir: {} })),
        ...(pod.volumes ?? []),
      ],
      ...(pod.imagePullSecrets && { imagePullSecrets: pod.imagePullSecrets }),
      ...(pod.nodeSelector && { nodeSelector: pod.nodeSelector }),
      ...(pod.tolerations && { tolerations: pod.tolerations }),
    },
  };
}
