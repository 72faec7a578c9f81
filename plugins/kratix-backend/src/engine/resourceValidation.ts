// Validates a Resource against its Promise's API, as the API server would.
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ParsedPromise } from './promise';
import { formatPath, KratixValidationError } from './errors';
import { checkName, DNS_LABEL, DNS_SUBDOMAIN } from './names';

// Formats Kubernetes knows that JSON Schema does not: accepted as is.
const KUBERNETES_FORMATS = [
  'int32',
  'int64',
  'float',
  'double',
  'byte',
  'binary',
  'password',
];

const ajv = new Ajv({
  strict: false,
  allErrors: true,
  useDefaults: true,
  unicodeRegExp: false,
  logger: false,
  formats: Object.fromEntries(KUBERNETES_FORMATS.map(f => [f, true])),
});
addFormats(ajv);
// With `strict: false` other unknown formats and keywords are ignored.
for (const keyword of [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]) {
  ajv.addKeyword({ keyword });
}

const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function describe(error: ErrorObject): { path: string; message: string } {
  const parts: Array<string | number> = error.instancePath
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(p => (/^\d+$/.test(p) ? Number(p) : p));
  if (error.keyword === 'required') {
    parts.push(String(error.params.missingProperty));
    return { path: formatPath(parts), message: 'is required' };
  }
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'enum') {
    message += ` (${(error.params.allowedValues as unknown[]).join(', ')})`;
  }
  return { path: formatPath(parts), message };
}

/**
 * Validates a Resource's `spec` against the Promise API's openAPIV3Schema and
 * returns a copy with the schema's defaults applied. Throws a
 * `KratixValidationError` naming the field (e.g. `spec.size`) and rule.
 */
export function validateResourceSpec(
  promise: ParsedPromise,
  spec: unknown,
): Record<string, unknown> {
  const copy = structuredClone(spec ?? {}) as Record<string, unknown>;
  const schema = promise.api?.openAPIV3Schema;
  if (!schema) return copy;
  const validate = validatorFor(schema);
  const object = { spec: copy };
  if (!validate(object)) {
    const first = validate.errors![0];
    const { path, message } = describe(first);
    throw new KratixValidationError({
      kind: `${promise.api!.kind} Resource`,
      path,
      rule: first.keyword,
      message,
    });
  }
  return object.spec;
}

/**
 * Checks a Resource's `apiVersion` and `kind`, its name (a DNS-1123
 * subdomain) and namespace (a DNS-1123 label), then validates its `spec`.
 */
export function validateResource(
  promise: ParsedPromise,
  resource: {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
    spec?: unknown;
  },
): Record<string, unknown> {
  const api = promise.api;
  if (!api) {
    throw new KratixValidationError({
      kind: 'Resource',
      path: 'apiVersion',
      rule: 'promise-api',
      message: `Promise '${promise.name}' has no spec.api, so it offers no Resources`,
    });
  }
  const expected = {
    apiVersion: `${api.group}/${api.version}`,
    kind: api.kind,
  };
  for (const key of ['apiVersion', 'kind'] as const) {
    if (resource[key] !== expected[key]) {
      throw new KratixValidationError({
        kind: `${api.kind} Resource`,
        path: key,
        rule: 'value',
        message: `must be '${expected[key]}', got '${String(resource[key])}'`,
      });
    }
  }
  const kind = `${api.kind} Resource`;
  const { name, namespace } = resource.metadata ?? {};
  if (name !== undefined) checkName(kind, 'metadata.name', name, DNS_SUBDOMAIN);
  if (namespace !== undefined) {
    checkName(kind, 'metadata.namespace', namespace, DNS_LABEL);
  }
  return validateResourceSpec(promise, resource.spec);
}
