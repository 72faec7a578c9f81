// Durations as Kubernetes writes them (Go's time.ParseDuration), e.g.
// `1h30m`, `90s`, `1.5h`: the form of a Promise's reconciliationInterval.

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Milliseconds of a Go duration; undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  if (body === '0') return 0;
  if (body === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < body.length) {
    const at = PART.lastIndex;
    const match = PART.exec(body);
    if (!match || match.index !== at) return undefined;
    total += Number(match[1]) * UNITS[match[2]];
  }
  return sign * total;
}
