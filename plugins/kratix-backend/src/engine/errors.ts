import { InputError } from '@backstage/errors';

/**
 * A Promise, Resource or HealthRecord that breaks a rule. It is an
 * `InputError`, so Backstage's error handler answers 400; `path` names the
 * field (e.g. `spec.workflows.resource.delete`) and `rule` the rule broken.
 */
export class KratixValidationError extends InputError {
  readonly path: string;
  readonly rule: string;

  constructor(options: {
    kind: string;
    path: string;
    rule: string;
    message: string;
  }) {
    super(`Invalid ${options.kind}: ${options.path}: ${options.message}`);
    this.path = options.path;
    this.rule = options.rule;
  }
}

/** Formats a field path such as `spec.containers[0].image`. */
export function formatPath(
  path: ReadonlyArray<string | number | symbol>,
): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Turns the first issue of a failed zod parse into a `KratixValidationError`. */
export function fromSchemaIssue(
  kind: string,
  raw: unknown,
  issue: { path: PropertyKey[]; code: string; message: string },
): KratixValidationError {
  const missing = valueAt(raw, issue.path) === undefined;
  return new KratixValidationError({
    kind,
    path: formatPath(issue.path),
    rule: missing ? 'required' : issue.code,
    message: missing ? 'is required' : issue.message,
  });
}
