import { KratixValidationError } from './errors';
import { parsePromise } from './promise';
import { validateResource, validateResourceSpec } from './resourceValidation';

const promise = parsePromise({
  apiVersion: 'platform.kratix.io/v1alpha1',
  kind: 'Promise',
  metadata: { name: 'db' },
  spec: {
    api: {
      spec: {
        group: 'example.io',
        names: { kind: 'Database', plural: 'databases' },
        versions: [
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
                    required: ['name'],
                    properties: {
                      name: { type: 'string', pattern: '^[a-z]+$' },
                      size: { type: 'integer', format: 'int32', default: 1 },
                      engine: { type: 'string', enum: ['postgres', 'mysql'] },
                      created: { type: 'string', format: 'date-time' },
                      anything: {
                        type: 'object',
                        'x-kubernetes-preserve-unknown-fields': true,
                      },
                      quantity: {
                        'x-kubernetes-int-or-string': true,
                        anyOf: [{ type: 'integer' }, { type: 'string' }],
                      },
                      tags: { type: 'array', items: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    },
  },
});

function errorOf(work: () => unknown): KratixValidationError {
  try {
    work();
  } catch (e) {
    if (e instanceof KratixValidationError) return e;
    throw e;
  }
  throw new Error('expected a KratixValidationError');
}

describe('validateResourceSpec', () => {
  it('accepts a valid spec and applies defaults without changing the input', () => {
    const spec = { name: 'db', anything: { x: 1 }, quantity: '1Gi' };
    expect(validateResourceSpec(promise, spec)).toEqual({ ...spec, size: 1 });
    expect(spec).not.toHaveProperty('size');
  });

  it.each([
    [{}, 'spec.name', 'required', 'is required'],
    [{ name: 'UPPER' }, 'spec.name', 'pattern', 'must match pattern'],
    [{ name: 'a', size: 'big' }, 'spec.size', 'type', 'must be integer'],
    [
      { name: 'a', engine: 'oracle' },
      'spec.engine',
      'enum',
      'must be equal to one of the allowed values (postgres, mysql)',
    ],
    [
      { name: 'a', created: 'yesterday' },
      'spec.created',
      'format',
      'must match format "date-time"',
    ],
    [{ name: 'a', tags: [1] }, 'spec.tags[0]', 'type', 'must be string'],
  ])('refuses %j at %s (%s)', (spec, path, rule, message) => {
    const error = errorOf(() => validateResourceSpec(promise, spec));
    expect(error.path).toBe(path);
    expect(error.rule).toBe(rule);
    expect(error.message).toContain(
      `Invalid Database Resource: ${path}: ${message}`,
    );
  });

  it('accepts anything when the Promise has no schema', () => {
    const bare = parsePromise({
      apiVersion: 'platform.kratix.io/v1alpha1',
      kind: 'Promise',
      metadata: { name: 'bare' },
      spec: {},
    });
    expect(validateResourceSpec(bare, { any: 1 })).toEqual({ any: 1 });
  });
});

describe('validateResource', () => {
  it('checks apiVersion and kind', () => {
    const ok = {
      apiVersion: 'example.io/v1',
      kind: 'Database',
      spec: { name: 'a' },
    };
    expect(validateResource(promise, ok)).toEqual({ name: 'a', size: 1 });
    const wrongVersion = errorOf(() =>
      validateResource(promise, { ...ok, apiVersion: 'example.io/v2' }),
    );
    expect(wrongVersion).toMatchObject({ path: 'apiVersion', rule: 'value' });
    expect(wrongVersion.message).toContain(
      "must be 'example.io/v1', got 'example.io/v2'",
    );
    expect(
      errorOf(() => validateResource(promise, { ...ok, kind: 'Db' })).path,
    ).toBe('kind');
  });

  it('checks the name (a DNS-1123 subdomain) and namespace (a label)', () => {
    const ok = {
      apiVersion: 'example.io/v1',
      kind: 'Database',
      spec: { name: 'a' },
    };
    const named = (name: string, namespace: string) =>
      validateResource(promise, { ...ok, metadata: { name, namespace } });
    const dotted = Array(64).fill('abc').join('.').slice(0, 253);
    expect(named(dotted, 'n'.repeat(63))).toEqual({ name: 'a', size: 1 });
    for (const [name, namespace, path, message] of [
      [
        'a',
        'a.b',
        'metadata.namespace',
        'must be lowercase letters, digits or "-"',
      ],
      [
        'a',
        'n'.repeat(64),
        'metadata.namespace',
        'must be at most 63 characters, got 64',
      ],
      ['a', '', 'metadata.namespace', 'must not be empty'],
      [
        `${dotted}x`,
        'a',
        'metadata.name',
        'must be at most 253 characters, got 254',
      ],
      [
        'a..b',
        'a',
        'metadata.name',
        'must be lowercase letters, digits, "-" or "."',
      ],
      ['../x', 'a', 'metadata.name', 'must be lowercase letters'],
    ]) {
      const error = errorOf(() => named(name, namespace));
      expect(error.path).toBe(path);
      expect(error.message).toContain(
        `Invalid Database Resource: ${path}: ${message}`,
      );
    }
  });

  it('refuses a Resource of a Promise without an API', () => {
    const bare = parsePromise({
      apiVersion: 'platform.kratix.io/v1alpha1',
      kind: 'Promise',
      metadata: { name: 'bare' },
    });
    expect(errorOf(() => validateResource(bare, {})).message).toContain(
      "Promise 'bare' has no spec.api",
    );
  });
});
