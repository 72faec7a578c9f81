// Search in a log: every match of a text, case-insensitive, and the
// chunks of a line split where the matches start and end.
import { LogChunk, LogLine } from './ansi';

export interface LogMatch {
  /** Line number (1-based). */
  line: number;
  start: number;
  end: number;
}

/** Every match of `query` in the lines, in order; none for an empty query. */
export function findMatches(lines: LogLine[], query: string): LogMatch[] {
  const needle = query.toLocaleLowerCase();
  if (!needle) return [];
  const matches: LogMatch[] = [];
  for (const line of lines) {
    const haystack = line.text.toLocaleLowerCase();
    for (
      let at = haystack.indexOf(needle);
      at >= 0;
      at = haystack.indexOf(needle, at + needle.length)
    ) {
      matches.push({ line: line.number, start: at, end: at + needle.length });
    }
  }
  return matches;
}

/** A piece of a line, marked when it is (part of) the `match`-th match. */
export interface MarkedChunk extends LogChunk {
  match?: number;
}

/**
 * The line's chunks cut at its matches' edges; `first` is the index (among
 * all matches) of this line's first match.
 */
export function markMatches(
  chunks: LogChunk[],
  matches: LogMatch[],
  first = 0,
): MarkedChunk[] {
  if (matches.length === 0) return chunks;
  const out: MarkedChunk[] = [];
  let offset = 0;
  for (const chunk of chunks) {
    const end = offset + chunk.text.length;
    let at = offset;
    for (let k = 0; k < matches.length; k++) {
      const m = matches[k];
      const from = Math.max(m.start, at);
      const to = Math.min(m.end, end);
      if (to <= from) continue;
      if (from > at) {
        out.push({
          ...chunk,
          text: chunk.text.slice(at - offset, from - offset),
        });
      }
      out.push({
        ...chunk,
        text: chunk.text.slice(from - offset, to - offset),
        match: first + k,
      });
      at = to;
    }
    if (at < end) out.push({ ...chunk, text: chunk.text.slice(at - offset) });
    offset = end;
  }
  return out;
}
