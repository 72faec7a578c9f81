// How deeply a document may nest, and where one nests deeper.
import { formatPath, KratixValidationError } from './errors';

/**
 * The deepest nesting of objects and lists a document may have; the
 * document itself is level 1. Real Promises and Resources stay under 30.
 */
export const MAX_DEPTH = 100;

const isContainer = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object';

/** True when `value` nests deeper; `path` gets the way there, reversed. */
function deeper(
  value: Record<string, unknown>,
  levelsLeft: number,
  path: Array<string | number>,
): boolean {
  // Recursion stops at `maxDepth` levels, so the stack stays small.
  if (levelsLeft === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child = value[i];
      if (isContainer(child) && deeper(child, levelsLeft - 1, path)) {
        path.push(i);
        return true;
      }
    }
    return false;
  }
  for (const key of Object.keys(value)) {
    const child = value[key];
    if (isContainer(child) && deeper(child, levelsLeft - 1, path)) {
      path.push(key);
      return true;
    }
  }
  return false;
}

/**
 * The path to an object or list nested deeper than `maxDepth`, or
 * undefined. Safe at any depth: it looks no deeper than `maxDepth` + 1.
 */
export function findTooDeep(
  value: unknown,
  maxDepth = MAX_DEPTH,
): Array<string | number> | undefined {
  const path: Array<string | number> = [];
  if (!isContainer(value) || !deeper(value, maxDepth, path)) return undefined;
  return path.reverse();
}

const SHOWN_PATH = 200;

const shorten = (text: string) =>
  text.length > SHOWN_PATH ? `${text.slice(0, SHOWN_PATH)}…` : text;

/**
 * Throws a `KratixValidationError` when `value` nests deeper than
 * `MAX_DEPTH`: at its top-level field, saying where (e.g. `spec.a.a…`).
 */
export function checkDepth(value: unknown, kind: string): void {
  const path = findTooDeep(value);
  if (!path) return;
  throw new KratixValidationError({
    kind,
    path: shorten(formatPath(path.slice(0, 1))),
    rule: 'max-depth',
    message: `is nested deeper than ${MAX_DEPTH} levels at ${shorten(
      formatPath(path),
    )}`,
  });
}
