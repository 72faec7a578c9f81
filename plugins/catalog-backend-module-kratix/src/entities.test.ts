import {
  apiEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  KratixPromise,
  KratixResource,
} from '@kratix-backstage/plugin-kratix-common';
import {
  KratixEntityOptions,
  entityName,
  promiseToEntity,
  resourceToEntity,
} from './entities';

const options: KratixEntityOptions = {
  namespace: 'default',
  owner: 'group:default/platform',
  lifecycle: 'production',
  apiBaseUrl: 'http://backstage.test/api/kratix',
};

const promise: KratixPromise = {
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Promise',
  metadata: { name: 'iam', resourceVersion: '7' },
  spec: {
    api: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'example.promise.syntasso.io',
        names: { kind: 'IAM', plural: 'iams' },
        versions: [
          { name: 'v1alpha1', served: true, storage: false },
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: { user: { type: 'string' } },
                  },
                },
              },
            },
          },
        ],
      },
    },
  },
};

const resource = (annotations?: Record<string, string>): KratixResource => ({
  apiVersion: 'example.promise.syntasso.io/v1',
  kind: 'IAM',
  metadata: {
    name: 'payments-user',
    namespace: 'team-a',
    resourceVersion: '12',
    annotations,
  },
  spec: { user: 'admin' },
  status: { message: 'Resource requested' },
});

describe('promiseToEntity', () => {
  it('is an API entity whose OpenAPI definition holds the CRD schema', async () => {
    const entity = promiseToEntity({ promise: 'iam' }, promise, options);
    expect(entity).toMatchObject({
      kind: 'API',
      metadata: {
        name: 'iam',
        namespace: 'default',
        labels: { 'kratix.io/promise': 'iam' },
        annotations: {
          'backstage.io/managed-by-location': 'kratix:iam',
          'backstage.io/managed-by-origin-location': 'kratix:iam',
        },
      },
      spec: {
        type: 'openapi',
        lifecycle: 'production',
        owner: 'group:default/platform',
      },
    });
    const doc = JSON.parse(entity.spec.definition);
    expect(doc.info.version).toBe('v1');
    expect(doc.servers).toEqual([{ url: 'http://backstage.test/api/kratix' }]);
    expect(doc.components.schemas.IAM).toEqual(
      (promise.spec.api as any).spec.versions[1].schema.openAPIV3Schema,
    );
    expect(Object.keys(doc.paths)).toEqual([
      '/promises/iam/resources',
      '/promises/iam/resources/{namespace}/{name}',
    ]);
    await expect(apiEntityV1alpha1Validator.check(entity)).resolves.toBe(true);
  });

  it('says so when the Promise has no API', () => {
    const entity = promiseToEntity(
      { cluster: 'prod', promise: 'deps' },
      { ...promise, metadata: { name: 'deps' }, spec: {} },
      options,
    );
    expect(entity.metadata.name).toBe('prod-deps');
    expect(entity.metadata.description).toContain('no API');
    const doc = JSON.parse(entity.spec.definition);
    expect(doc.paths).toEqual({});
    expect(doc.servers[0].url).toBe(
      'http://backstage.test/api/kratix/clusters/prod',
    );
  });

  it('does not change when only the status or resourceVersion does', () => {
    const before = promiseToEntity({ promise: 'iam' }, promise, options);
    const after = promiseToEntity(
      { promise: 'iam' },
      {
        ...promise,
        metadata: { ...promise.metadata, resourceVersion: '8' },
        status: { message: 'Available' },
      },
      options,
    );
    expect(after).toEqual(before);
  });
});

describe('resourceToEntity', () => {
  it('is a Resource entity with the ref the Kratix card reads', async () => {
    const ref = { promise: 'iam', namespace: 'team-a', name: 'payments-user' };
    const entity = resourceToEntity(ref, resource(), options);
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'iam-team-a-payments-user',
        namespace: 'default',
        title: 'payments-user (IAM)',
        description:
          'Kratix Resource team-a/payments-user, requested from the Promise iam.',
        labels: { 'kratix.io/promise': 'iam' },
        annotations: {
          'backstage.io/managed-by-location': 'kratix:iam/team-a/payments-user',
          'backstage.io/managed-by-origin-location':
            'kratix:iam/team-a/payments-user',
          'kratix.io/resource-ref': 'iam/team-a/payments-user',
        },
        tags: ['kratix'],
      },
      spec: {
        type: 'kratix-resource',
        owner: 'group:default/platform',
        dependsOn: ['api:default/iam'],
      },
    });
    await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
      true,
    );
  });

  it('names the cluster in Kubernetes mode', () => {
    const ref = {
      cluster: 'prod',
      promise: 'iam',
      namespace: 'team-a',
      name: 'payments-user',
    };
    const entity = resourceToEntity(ref, resource(), options);
    expect(entity.metadata.name).toBe('prod-iam-team-a-payments-user');
    expect(entity.metadata.annotations!['kratix.io/resource-ref']).toBe(
      'prod/iam/team-a/payments-user',
    );
    expect(entity.spec.dependsOn).toEqual(['api:default/prod-iam']);
  });

  it('takes the owner from kratix.io/owner when it is an entity ref', () => {
    const ref = { promise: 'iam', namespace: 'team-a', name: 'payments-user' };
    const owned = resourceToEntity(
      ref,
      resource({ 'kratix.io/owner': 'payments' }),
      options,
    );
    expect(owned.spec.owner).toBe('payments');
    const bad = resourceToEntity(
      ref,
      resource({ 'kratix.io/owner': 'group:a:b' }),
      options,
    );
    expect(bad.spec.owner).toBe('group:default/platform');
  });
});

describe('entityName', () => {
  it('joins the parts when that is a valid name', () => {
    expect(entityName(['iam', 'default', 'x'])).toBe('iam-default-x');
  });

  it('shortens long names with a hash of the whole, stable and unique', () => {
    const long = 'a'.repeat(80);
    const name = entityName(['iam', 'default', long]);
    expect(name).toHaveLength(63);
    expect(name).toMatch(/^iam-default-a+-[0-9a-f]{8}$/);
    expect(entityName(['iam', 'default', long])).toBe(name);
    expect(entityName(['iam', 'default', `${long}b`])).not.toBe(name);
  });
});
