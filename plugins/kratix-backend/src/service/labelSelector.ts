import { InputError } from '@backstage/errors';

/** A parsed Kubernetes label selector: every requirement must match. */
export type LabelSelector = (labels: Record<string, string>) => boolean;

type Requirement = (labels: Record<string, string>) => boolean;

const KEY =
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside a `(...)` set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms.map(t => t.trim()).filter(Boolean);
}

function check(term: string, key: string, values: string[]): void {
  if (!KEY.test(key)) {
    throw new InputError(
      `Invalid labelSelector term '${term}': '${key}' is not a valid label key`,
    );
  }
  const bad = values.find(v => !VALUE.test(v));
  if (bad !== undefined) {
    throw new InputError(
      `Invalid labelSelector term '${term}': '${bad}' is not a valid label value`,
    );
  }
}

function parseTerm(term: string): Requirement {
  const set = term.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/);
  if (set) {
    const [, key, op, list] = set;
    const values = list.split(',').map(v => v.trim());
    check(term, key, values);
    return op === 'in'
      ? l => key in l && values.includes(l[key])
      : l => !(key in l) || !values.includes(l[key]);
  }
  const eq = term.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/);
  if (eq) {
    const [, key, op, value] = eq;
    check(term, key, [value]);
    return op === '!=' ? l => l[key] !== value : l => l[key] === value;
  }
  const exists = term.match(/^(!?)([^=!\s()]+)$/);
  if (exists) {
    const [, not, key] = exists;
    check(term, key, []);
    return not ? l => !(key in l) : l => key in l;
  }
  throw new InputError(
    `Invalid labelSelector term '${term}': expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b)`,
  );
}

/** Parses Kubernetes label-selector syntax, e.g. `team=a,tier in (db,cache)`. */
export function parseLabelSelector(selector: string): LabelSelector {
  const requirements = splitTerms(selector).map(parseTerm);
  return labels => requirements.every(r => r(labels));
}
