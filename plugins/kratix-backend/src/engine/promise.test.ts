import fs from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { KratixValidationError } from './errors';
import {
  getWorkflowPipelines,
  parsePromise,
  reconciliationIntervalOf,
} from './promise';

const pipeline = (
  name: string,
  containers = [{ name: 'c', image: 'img' }],
) => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Pipeline',
  metadata: { name },
  spec: { containers },
});

const promiseDoc = (spec: Record<string, unknown>) => ({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Promise',
  metadata: { name: 'db' },
  spec,
});

const api = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'databases.example.io' },
  spec: {
    group: 'example.io',
    names: { kind: 'Database', plural: 'databases' },
    versions: [
      { name: 'v1alpha1', served: true, storage: false },
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object' } },
      },
    ],
  },
};

describe('parsePromise', () => {
  it('reads the API, workflows and destination selectors', () => {
    const parsed = parsePromise(
      stringify(
        promiseDoc({
          api,
          destinationSelectors: [{ matchLabels: { env: 'dev' } }],
          workflows: {
            resource: {
              configure: [
                pipeline('one', [
                  {
                    name: 'c',
                    image: 'img',
                    command: ['sh'],
                    args: ['-c', 'true'],
                    env: [{ name: 'A', value: '1' }],
                  } as any,
                ]),
                pipeline('two'),
              ],
            },
          },
        }),
      ),
    );
    expect(parsed.name).toBe('db');
    expect(parsed.api).toEqual({
      group: 'example.io',
      version: 'v1',
      kind: 'Database',
      plural: 'databases',
      clusterScoped: false,
      openAPIV3Schema: { type: 'object' },
    });
    expect(parsed.destinationSelectors).toEqual([
      { matchLabels: { env: 'dev' } },
    ]);
    expect(
      getWorkflowPipelines(parsed, { type: 'resource', action: 'configure' }),
    ).toEqual([
      {
        name: 'one',
        containers: [
          {
            name: 'c',
            image: 'img',
            command: ['sh'],
            args: ['-c', 'true'],
            env: [{ name: 'A', value: '1' }],
          },
        ],
      },
      { name: 'two', containers: [{ name: 'c', image: 'img' }] },
    ]);
    expect(parsed.workflows.promise).toEqual({ configure: [], delete: [] });
  });

  it('reads env values, and keys valueFrom Secrets and ConfigMaps', () => {
    const env = [
      { name: 'A', value: '1' },
      {
        name: 'P',
        valueFrom: { secretKeyRef: { name: 's', key: 'k' } },
      },
      {
        name: 'R',
        valueFrom: {
          configMapKeyRef: { name: 'm', key: 'r', optional: true },
        },
      },
      { name: 'N', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ];
    const parsed = parsePromise(
      promiseDoc({
        workflows: {
          resource: {
            configure: [pipeline('a', [{ name: 'c', image: 'i', env } as any])],
          },
        },
      }),
    );
    expect(parsed.workflows.resource.configure[0].containers[0].env).toEqual([
      { name: 'A', value: '1' },
      {
        name: 'P',
        valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } },
      },
      {
        name: 'R',
        valueFrom: { configMapKeyRef: { name: 'm', key: 'r', optional: true } },
      },
      { name: 'N', valueFrom: { other: ['fieldRef'] } },
    ]);
  });

  it('accepts a Promise without an API and without workflows', () => {
    const parsed = parsePromise(promiseDoc({}));
    expect(parsed.api).toBeUndefined();
    expect(parsed.workflows.resource.configure).toEqual([]);
  });

  it.each([
    [
      'duplicate pipeline names',
      {
        workflows: { resource: { configure: [pipeline('a'), pipeline('a')] } },
      },
      'spec.workflows.resource.configure[1].metadata.name',
      'unique',
      /pipeline name 'a' is used more than once/,
    ],
    [
      'duplicate container names',
      {
        workflows: {
          promise: {
            configure: [
              pipeline('a', [
                { name: 'x', image: 'i' },
                { name: 'x', image: 'j' },
              ]),
            ],
          },
        },
      },
      'spec.workflows.promise.configure[0].spec.containers[1].name',
      'unique',
      /container name in pipeline 'a' 'x' is used more than once/,
    ],
    [
      'an unknown Pipeline field',
      {
        workflows: {
          promise: {
            configure: [
              {
                ...pipeline('a'),
                spec: { containers: [{ name: 'c', image: 'i', cmd: ['sh'] }] },
              },
            ],
          },
        },
      },
      'spec.workflows.promise.configure[0].spec.containers[0].cmd',
      'unknown-field',
      /unknown field 'cmd'/,
    ],
    [
      'an unknown field in a Pipeline spec',
      {
        workflows: {
          resource: {
            configure: [
              { ...pipeline('a'), spec: { ...pipeline('a').spec, steps: [] } },
            ],
          },
        },
      },
      'spec.workflows.resource.configure[0].spec.steps',
      'unknown-field',
      /unknown field 'steps'/,
    ],
    [
      'a reconciliationInterval below 1m',
      { workflows: { config: { reconciliationInterval: '30s' } } },
      'spec.workflows.config.reconciliationInterval',
      'min-interval',
      /must be at least 1m/,
    ],
    [
      'a reconciliationInterval that is no duration',
      { workflows: { config: { reconciliationInterval: '1 day' } } },
      'spec.workflows.config.reconciliationInterval',
      'duration',
      /not a duration/,
    ],
    [
      'a container without image',
      {
        workflows: {
          resource: { configure: [pipeline('a', [{ name: 'x' } as any])] },
        },
      },
      'spec.workflows.resource.configure[0].spec.containers[0].image',
      'required',
      /is required/,
    ],
    [
      'a pipeline without containers',
      { workflows: { resource: { configure: [pipeline('a', [])] } } },
      'spec.workflows.resource.configure[0].spec.containers',
      'too_small',
      /Invalid Promise: spec\.workflows\.resource\.configure\[0\]\.spec\.containers: /,
    ],
    [
      'a pipeline of another kind',
      {
        workflows: {
          resource: { configure: [{ ...pipeline('a'), kind: 'Job' }] },
        },
      },
      'spec.workflows.resource.configure[0].kind',
      'invalid_value',
      /kind/,
    ],
    [
      'a CRD whose name does not match',
      { api: { ...api, metadata: { name: 'wrong' } } },
      'spec.api.metadata.name',
      'crd-name',
      /must be 'databases.example.io'/,
    ],
    [
      'a CRD without versions',
      { api: { ...api, spec: { ...api.spec, versions: [] } } },
      'spec.api.spec.versions',
      'too_small',
      /versions/,
    ],
    [
      'a secretKeyRef without a key',
      {
        workflows: {
          resource: {
            configure: [
              pipeline('a', [
                {
                  name: 'c',
                  image: 'i',
                  env: [
                    { name: 'P', valueFrom: { secretKeyRef: { name: 's' } } },
                  ],
                } as any,
              ]),
            ],
          },
        },
      },
      'spec.workflows.resource.configure[0].spec.containers[0].env[0].valueFrom.secretKeyRef.key',
      'required',
      /is required/,
    ],
    [
      'a label that is not a string',
      { destinationSelectors: [{ matchLabels: { env: 1 } }] },
      'spec.destinationSelectors[0].matchLabels.env',
      'invalid_type',
      /expected string/,
    ],
    [
      'dependencies that are not documents',
      { dependencies: [{ kind: 'Namespace' }, 'text'] },
      'spec.dependencies[1]',
      'invalid_type',
      /expected object/,
    ],
  ])('refuses %s', (_name, spec, path, rule, message) => {
    let error: unknown;
    try {
      parsePromise(promiseDoc(spec as Record<string, unknown>));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KratixValidationError);
    expect(error).toMatchObject({ path, rule, name: 'InputError' });
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ['not YAML', 'kind: [', /Invalid Promise: \(root\): not valid YAML/],
    ['two documents', 'a: 1\n---\nb: 2\n', /not valid YAML/],
    [
      'the wrong kind',
      stringify({ ...promiseDoc({}), kind: 'Pipeline' }),
      /Invalid Promise: kind: /,
    ],
    [
      'no name',
      stringify({ ...promiseDoc({}), metadata: {} }),
      /Invalid Promise: metadata\.name: is required/,
    ],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parsePromise(text)).toThrow(message);
  });

  it.each(['../../x', 'a/b', '.', 'a.b', 'A', '-a', 'x'.repeat(64)])(
    'refuses the pipeline name %p',
    name => {
      const doc = promiseDoc({
        workflows: { resource: { delete: [pipeline(name)] } },
      });
      expect(() => parsePromise(doc)).toThrow(
        expect.objectContaining({
          rule: 'dns-label',
          path: 'spec.workflows.resource.delete[0].metadata.name',
          message: expect.stringMatching(
            /^Invalid Promise: spec\.workflows\.resource\.delete\[0\]\.metadata\.name: must be /,
          ),
        }),
      );
    },
  );

  it.each([
    ['a.b', /must be lowercase letters, digits or "-"/],
    ['p'.repeat(64), /must be at most 63 characters, got 64/],
  ])('refuses the Promise name %s', (name, message) => {
    const doc = { ...promiseDoc({}), metadata: { name } };
    expect(() => parsePromise(doc)).toThrow(
      /^Invalid Promise: metadata\.name: /,
    );
    expect(() => parsePromise(doc)).toThrow(message);
  });

  it('accepts names of 63 characters', () => {
    const name = 'p'.repeat(63);
    const doc = promiseDoc({
      workflows: { resource: { configure: [pipeline(name)] } },
    });
    expect(parsePromise({ ...doc, metadata: { name } })).toMatchObject({
      name,
      workflows: { resource: { configure: [{ name }] } },
    });
  });

  it('reads the example Promises', () => {
    const text = fs.readFileSync(
      resolve(__dirname, '../../../../examples/kratix/promises.yaml'),
      'utf8',
    );
    const names = parseAllDocuments(text)
      .filter(doc => doc.contents)
      .map(doc => parsePromise(doc.toJS()).name);
    expect(names.length).toBeGreaterThan(0);
  });

  it('refuses a document that expands too many aliases', () => {
    const text = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`;
    expect(() => parsePromise(text)).toThrow(/not valid YAML: .*alias/i);
  });
});

describe('parsePromise, as upstream', () => {
  it('uses the first of two delete pipelines, with a warning', () => {
    const parsed = parsePromise(
      promiseDoc({
        workflows: { resource: { delete: [pipeline('a'), pipeline('b')] } },
      }),
    );
    expect(
      getWorkflowPipelines(parsed, { type: 'resource', action: 'delete' }).map(
        p => p.name,
      ),
    ).toEqual(['a']);
    expect(parsed.warnings).toEqual([
      "spec.workflows.resource.delete: a delete workflow has one pipeline; 2 given, only the first ('a') is used",
    ]);
  });

  it('accepts the fields of upstream Pipelines it does not run', () => {
    const parsed = parsePromise(
      promiseDoc({
        workflows: {
          resource: {
            configure: [
              {
                ...pipeline('a'),
                metadata: { name: 'a', namespace: 'default', labels: {} },
                spec: {
                  containers: [
                    { name: 'c', image: 'i', envFrom: [], resources: {} },
                  ],
                  volumes: [],
                  rbac: {},
                  imagePullSecrets: [],
                },
              },
            ],
          },
        },
      }),
    );
    expect(parsed.warnings).toEqual([]);
  });

  it('reads requiredPromises and the reconciliationInterval', () => {
    const parsed = parsePromise(
      promiseDoc({
        requiredPromises: [{ name: 'a' }, { name: 'b', version: 'v1' }],
        workflows: { config: { reconciliationInterval: '1h30m' } },
      }),
    );
    expect(parsed.requiredPromises).toEqual([
      { name: 'a' },
      { name: 'b', version: 'v1' },
    ]);
    expect(parsed.reconciliationIntervalMs).toBe(5_400_000);
    expect(reconciliationIntervalOf(parsed, 1000)).toBe(5_400_000);
    expect(reconciliationIntervalOf(parsePromise(promiseDoc({})), 1000)).toBe(
      1000,
    );
    const noted = parsePromise({
      ...promiseDoc({}),
      metadata: {
        name: 'db',
        annotations: { 'kratix.io/reconciliation-interval': '5m' },
      },
    });
    expect(reconciliationIntervalOf(noted, 1000)).toBe(300_000);
  });
});
