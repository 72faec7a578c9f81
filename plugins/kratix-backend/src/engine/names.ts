// Kubernetes' name rules (DNS-1123), for names that become paths and URLs.
import { KratixValidationError } from './errors';

export interface NameRule {
  /** The `rule` of a `KratixValidationError`. */
  id: string;
  pattern: RegExp;
  maxLength: number;
  /** What the pattern asks for, after "must be". */
  description: string;
}

/** Namespaces, Promise and Pipeline names: no dots, at most 63 characters. */
export const DNS_LABEL: NameRule = {
  id: 'dns-label',
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  maxLength: 63,
  description:
    'lowercase letters, digits or "-", starting and ending with a letter or digit',
};

/** Resource and HealthRecord names: labels joined by dots, at most 253. */
export const DNS_SUBDOMAIN: NameRule = {
  id: 'dns-subdomain',
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  maxLength: 253,
  description:
    'lowercase letters, digits, "-" or ".", starting and ending with a letter or digit',
};

/** What is wrong with `value` as a name of the `rule`, if anything. */
export function nameProblem(
  value: unknown,
  rule: NameRule,
): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${typeof value}`;
  if (value === '') return 'must not be empty';
  if (value.length > rule.maxLength) {
    return `must be at most ${rule.maxLength} characters, got ${value.length}`;
  }
  return rule.pattern.test(value) ? undefined : `must be ${rule.description}`;
}

/** Throws a `KratixValidationError` naming `path` when `value` breaks the rule. */
export function checkName(
  kind: string,
  path: string,
  value: unknown,
  rule: NameRule,
): void {
  const problem = nameProblem(value, rule);
  if (problem) {
    throw new KratixValidationError({
      kind,
      path,
      rule: rule.id,
      message: problem,
    });
  }
}
