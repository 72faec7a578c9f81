import { parsePromise } from '../../engine/promise';
import { pipelineEnv } from '../../engine/workflow';
import { KratixObject, PipelineRunRequest } from '../../engine/interfaces';
import {
  buildPipelinePod,
  COLLECTOR_CONTAINER,
  OBJECT_ENV,
  pipelineServiceAccount,
  READER_CONTAINER,
} from './podPipeline';
import { pipelineRbac } from './rbac';

const options = {
  systemNamespace: 'kratix-platform-system',
  utilityImage: 'busybox:1.36',
};

const promise = parsePromise({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Promise',
  metadata: { name: 'iam' },
  spec: {
    api: {
      spec: {
        group: 'example.io',
        names: { kind: 'User', plural: 'users' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    },
    workflows: {
      resource: {
        configure: [
          {
            apiVersion: 'platform.kratix.io/v1alpha1',
            kind: 'Pipeline',
            metadata: { name: 'create-user' },
            spec: {
              imagePullSecrets: [{ name: 'registry' }],
              volumes: [{ name: 'cache', emptyDir: {} }],
              rbac: {
                permissions: [
                  { apiGroups: [''], verbs: ['get'], resources: ['secrets'] },
                  {
                    resourceNamespace: '*',
                    apiGroups: [''],
                    verbs: ['list'],
                    resources: ['namespaces'],
                  },
                ],
              },
              containers: [
                {
                  name: 'create',
                  image: 'create-db:v0.1.0',
                  env: [
                    { name: 'MODE', value: 'fast' },
                    {
                      name: 'TOKEN',
                      valueFrom: { secretKeyRef: { name: 's', key: 'k' } },
                    },
                  ],
                  envFrom: [{ configMapRef: { name: 'settings' } }],
                  volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
                  resources: { limits: { memory: '128Mi' } },
                  securityContext: { runAsUser: 1000 },
                },
                { name: 'check', image: 'check:v1', command: ['check'] },
              ],
            },
          },
        ],
      },
    },
  },
});

const resource: KratixObject = {
  apiVersion: 'example.io/v1',
  kind: 'User',
  metadata: { name: 'alice', namespace: 'team-a' },
  spec: {},
};

function request(): PipelineRunRequest {
  const pipeline = promise.workflows.resource.configure![0];
  const workflow = { type: 'resource', action: 'configure' } as const;
  return {
    runId: 'run-1',
    pipeline,
    env: pipelineEnv(resource, promise, workflow, pipeline),
    objectYaml: 'kind: User\n',
    statusMaxBytes: 1024,
    outputMaxBytes: 4096,
    collectOutputs: true,
    signal: new AbortController().signal,
    onLog: () => {},
  };
}

describe('buildPipelinePod', () => {
  const pod = buildPipelinePod(request(), options);
  const spec = pod.spec!;

  it('labels the Pod as upstream labels its pipeline Jobs', () => {
    expect(pod.metadata).toMatchObject({
      namespace: 'team-a',
      labels: {
        'kratix.io/promise-name': 'iam',
        'kratix.io/resource-name': 'alice',
        'kratix.io/resource-namespace': 'team-a',
        'kratix.io/workflow-type': 'resource',
        'kratix.io/workflow-action': 'configure',
        'kratix.io/pipeline-name': 'create-user',
        'app.kubernetes.io/managed-by': 'Kratix',
      },
    });
    expect(pod.metadata!.name).toMatch(
      /^kratix-iam-alice-create-user-[0-9a-f]{10}$/,
    );
    const other = buildPipelinePod({ ...request(), runId: 'run-2' }, options);
    expect(other.metadata!.name).not.toBe(pod.metadata!.name);
  });

  it('runs the reader, the pipeline containers in order, then the collector', () => {
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.initContainers!.map(c => c.name)).toEqual([
      READER_CONTAINER,
      'create',
      'check',
    ]);
    expect(spec.containers.map(c => c.name)).toEqual([COLLECTOR_CONTAINER]);
    const reader = spec.initContainers![0];
    expect(reader.image).toBe('busybox:1.36');
    expect(reader.env).toEqual([{ name: OBJECT_ENV, value: 'kind: User\n' }]);
    expect(reader.command!.join(' ')).toContain('/kratix/input/object.yaml');
    expect(spec.containers[0].command!.join(' ')).toContain(
      'metadata/destination-selectors.yaml',
    );
  });

  it('shares /kratix/input, output and metadata as emptyDir volumes', () => {
    expect(spec.volumes!.slice(0, 3)).toEqual(
      ['input', 'output', 'metadata'].map(d => ({
        name: `shared-${d}`,
        emptyDir: {},
      })),
    );
    expect(spec.initContainers![2].volumeMounts).toEqual([
      { name: 'shared-input', mountPath: '/kratix/input', readOnly: true },
      { name: 'shared-output', mountPath: '/kratix/output', readOnly: false },
      {
        name: 'shared-metadata',
        mountPath: '/kratix/metadata',
        readOnly: false,
      },
    ]);
  });

  it('gives the KRATIX_* env first, then the container env', () => {
    const env = spec.initContainers![1].env!;
    expect(env.slice(0, 3)).toEqual([
      { name: 'KRATIX_WORKFLOW_ACTION', value: 'configure' },
      { name: 'KRATIX_WORKFLOW_TYPE', value: 'resource' },
      { name: 'KRATIX_PROMISE_NAME', value: 'iam' },
    ]);
    expect(env.slice(-2)).toEqual([
      { name: 'MODE', value: 'fast' },
      {
        name: 'TOKEN',
        valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } },
      },
    ]);
  });

  it("applies the pipeline's upstream Pod fields", () => {
    const create = spec.initContainers![1];
    expect(create).toMatchObject({
      image: 'create-db:v0.1.0',
      envFrom: [{ configMapRef: { name: 'settings' } }],
      resources: { limits: { memory: '128Mi' } },
      securityContext: { runAsUser: 1000 },
    });
    expect(create.volumeMounts!.at(-1)).toEqual({
      name: 'cache',
      mountPath: '/cache',
    });
    expect(spec.initContainers![2].command).toEqual(['check']);
    expect(spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
    expect(spec.volumes!.at(-1)).toEqual({ name: 'cache', emptyDir: {} });
    expect(spec.serviceAccountName).toBe('iam-resource-configure-create-user');
  });

  it('runs a Promise workflow in the system namespace', () => {
    const p = buildPipelinePod(
      {
        ...request(),
        env: {
          ...request().env,
          KRATIX_WORKFLOW_TYPE: 'promise',
          KRATIX_OBJECT_NAMESPACE: '',
        },
      },
      options,
    );
    expect(p.metadata!.namespace).toBe('kratix-platform-system');
    expect(p.metadata!.labels).not.toHaveProperty('kratix.io/resource-name');
  });
});

describe('pipeline ServiceAccount and RBAC', () => {
  it('makes the ServiceAccount, and Roles bound to it', () => {
    const req = request();
    expect(pipelineServiceAccount(req, options).metadata).toEqual({
      name: 'iam-resource-configure-create-user',
      namespace: 'team-a',
      labels: { 'kratix.io/promise-name': 'iam' },
    });
    const rbac = pipelineRbac(req, options);
    expect(rbac.roles).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ namespace: 'team-a' }),
        rules: [{ apiGroups: [''], verbs: ['get'], resources: ['secrets'] }],
      }),
    ]);
    expect(rbac.roleBindings[0].subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: 'iam-resource-configure-create-user',
        namespace: 'team-a',
      },
    ]);
    expect(rbac.clusterRoles[0].rules).toEqual([
      { apiGroups: [''], verbs: ['list'], resources: ['namespaces'] },
    ]);
    expect(rbac.clusterRoleBindings[0].roleRef.kind).toBe('ClusterRole');
  });

  it('uses rbac.serviceAccount when given, and makes no Roles without permissions', () => {
    const req = request();
    req.pipeline = {
      ...req.pipeline,
      pod: { rbac: { serviceAccount: 'mine' } },
    };
    expect(pipelineServiceAccount(req, options).metadata!.name).toBe('mine');
    expect(buildPipelinePod(req, options).spec!.serviceAccountName).toBe(
      'mine',
    );
    expect(pipelineRbac(req, options).roles).toEqual([]);
  });
});
