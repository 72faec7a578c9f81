import { parsePromise } from './promise';
import { promiseWarnings } from './processRunnerSupport';

const pipeline = (name: string, spec: object) => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Pipeline',
  metadata: { name },
  spec,
});

const promise = parsePromise({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Promise',
  metadata: { name: 'db' },
  spec: {
    workflows: {
      promise: {
        configure: [
          pipeline('install', {
            containers: [{ name: 'c', image: 'mapped:v1' }],
            volumes: [{ name: 'v' }],
            imagePullSecrets: [{ name: 's' }],
            rbac: { permissions: [] },
          }),
        ],
      },
      resource: {
        configure: [
          pipeline('create', {
            containers: [
              {
                name: 'c',
                image: 'unmapped:v1',
                envFrom: [{ secretRef: { name: 's' } }],
                resources: { limits: { cpu: '1' } },
              },
              { name: 'd', image: 'x', command: ['sh'] },
            ],
          }),
        ],
      },
    },
  },
});

describe('promiseWarnings', () => {
  it('names each field the process runner cannot honour', () => {
    const at = 'spec.workflows';
    expect(promiseWarnings(promise, { 'mapped:v1': ['sh'] })).toEqual([
      `${at}.promise.configure[0].spec.volumes: not supported by the process runner (no volumes are mounted)`,
      `${at}.promise.configure[0].spec.imagePullSecrets: not supported by the process runner (images are not pulled)`,
      `${at}.promise.configure[0].spec.rbac: not supported by the process runner (pipelines get no Kubernetes service account)`,
      `${at}.resource.configure[0].spec.containers[0].envFrom: not supported by the process runner (no variables are read from Secrets or ConfigMaps this way)`,
      `${at}.resource.configure[0].spec.containers[0].resources: not supported by the process runner (no CPU or memory requests or limits apply)`,
      `${at}.resource.configure[0].spec.containers[0].image: not supported by the process runner ('unmapped:v1' has no command, and kratix.runner.process.images maps no command to it)`,
    ]);
  });

  it('warns of nothing with another runner', () => {
    expect(promiseWarnings(promise, undefined)).toEqual([]);
  });
});
