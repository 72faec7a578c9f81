// A Promise's API cannot change what it is in an update: upstream's webhook
// refuses a new CRD name, kind or names, and Kubernetes a new group or
// scope. Resources already stored would no longer match it.
import { KratixValidationError } from './errors';
import { ParsedPromise } from './promise';

function immutable(path: string, value: string): never {
  throw new KratixValidationError({
    kind: 'Promise',
    path,
    rule: 'immutable',
    message: `Invalid value: '${value}': field is immutable (it was set when the Promise was created)`,
  });
}

/** Throws when `next` changes the API group, kind, plural or scope of `previous`. */
export function checkApiChange(
  previous: ParsedPromise,
  next: ParsedPromise,
): void {
  const before = previous.api;
  const after = next.api;
  if (!before) return;
  if (!after) {
    throw new KratixValidationError({
      kind: 'Promise',
      path: 'spec.api',
      rule: 'immutable',
      message: 'cannot remove the API from an existing Promise',
    });
  }
  if (after.group !== before.group)
    immutable('spec.api.spec.group', after.group);
  if (after.kind !== before.kind) {
    immutable('spec.api.spec.names.kind', after.kind);
  }
  if (after.plural !== before.plural) {
    immutable('spec.api.spec.names.plural', after.plural);
  }
  if (after.clusterScoped !== before.clusterScoped) {
    immutable(
      'spec.api.spec.scope',
      after.clusterScoped ? 'Cluster' : 'Namespaced',
    );
  }
}
