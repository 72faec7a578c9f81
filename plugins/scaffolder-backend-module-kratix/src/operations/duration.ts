import { InputError } from '@backstage/errors';

/** How long the wait actions wait when no timeout is given. */
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A timeout given as a number of seconds (`90`) or a duration string with
 * one unit (`500ms`, `30s`, `5m`, `1h`; a bare number string means seconds).
 */
export function parseTimeout(value: number | string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value * 1000;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
    if (match && Number(match[1]) > 0) {
      return Number(match[1]) * UNIT_MS[match[2] ?? 's'];
    }
  }
  throw new InputError(
    `Invalid timeout '${value}': expected a positive number of seconds or a duration such as 30s, 5m or 1h`,
  );
}

/** `5m`, `1m30s`, `800ms`: short and readable. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const total = Math.round(ms / 1000);
  const parts = [
    [Math.floor(total / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'm'],
    [total % 60, 's'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}
