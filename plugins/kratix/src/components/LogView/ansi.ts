// ANSI escape codes of a log to styled lines: SGR colours (16, 256 and
// 24-bit), bold, italic and underline; other escape sequences are dropped.

/** How a piece of a line looks; colours as `#rrggbb`. */
export interface AnsiStyle {
  fg?: string;
  bg?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface LogChunk {
  text: string;
  style: AnsiStyle;
}

export interface LogLine {
  /** 1-based. */
  number: number;
  /** The line without escape codes. */
  text: string;
  chunks: LogChunk[];
}

/** The 16 terminal colours (as VS Code's terminal paints them). */
const BASIC = [
  '#000000',
  '#cd3131',
  '#0dbc79',
  '#e5e510',
  '#2472c8',
  '#bc3fbc',
  '#11a8cd',
  '#e5e5e5',
  '#666666',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
];

const hex = (...rgb: number[]) =>
  `#${rgb
    .map(v => Math.max(0, Math.min(255, v)).toString(16).padStart(2, '0'))
    .join('')}`;

/** One of xterm's 256 colours. */
export function colour256(n: number): string | undefined {
  if (n < 0 || n > 255 || !Number.isInteger(n)) return undefined;
  if (n < 16) return BASIC[n];
  if (n >= 232) return hex(...Array(3).fill(8 + 10 * (n - 232)));
  const level = (v: number) => (v === 0 ? 0 : 55 + 40 * v);
  const c = n - 16;
  return hex(
    level(Math.floor(c / 36)),
    level(Math.floor(c / 6) % 6),
    level(c % 6),
  );
}

/** Applies one SGR sequence's parameters to `style` (a copy). */
export function applySgr(style: AnsiStyle, params: number[]): AnsiStyle {
  const next = { ...style };
  const codes = params.length ? params : [0];
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) {
      for (const key of Object.keys(next)) delete next[key as keyof AnsiStyle];
    } else if (code === 1) next.bold = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) delete next.bold;
    else if (code === 23) delete next.italic;
    else if (code === 24) delete next.underline;
    else if (code >= 30 && code <= 37) next.fg = BASIC[code - 30];
    else if (code >= 90 && code <= 97) next.fg = BASIC[code - 90 + 8];
    else if (code === 39) delete next.fg;
    else if (code >= 40 && code <= 47) next.bg = BASIC[code - 40];
    else if (code >= 100 && code <= 107) next.bg = BASIC[code - 100 + 8];
    else if (code === 49) delete next.bg;
    else if (code === 38 || code === 48) {
      // 38;5;n or 38;2;r;g;b (48 for the background).
      const key = code === 38 ? 'fg' : 'bg';
      let colour: string | undefined;
      if (codes[i + 1] === 5) {
        colour = colour256(codes[i + 2]);
        i += 2;
      } else if (codes[i + 1] === 2) {
        const rgb = codes.slice(i + 2, i + 5);
        if (rgb.length === 3 && rgb.every(Number.isFinite))
          colour = hex(...rgb);
        i += 4;
      }
      if (colour) next[key] = colour;
    }
  }
  return next;
}

/** CSI (`ESC [ ... letter`), OSC (`ESC ] ... BEL|ST`) and two-byte escapes. */
const ESCAPE =
  // eslint-disable-next-line no-control-regex
  /\x1b\[([0-9;:]*)([\x20-\x2f]*[\x40-\x7e])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[\x20-\x7e]?/g;

/**
 * The lines of a log with their styles. A style carries over to the next
 * line, as in a terminal; a carriage return starts its line over.
 */
export function parseAnsi(text: string): LogLine[] {
  let style: AnsiStyle = {};
  const rows = text.replace(/\r\n/g, '\n').split('\n');
  if (rows.length > 1 && rows[rows.length - 1] === '') rows.pop();
  return rows.map((row, index) => {
    let chunks: LogChunk[] = [];
    const push = (piece: string) => {
      const parts = piece.split('\r');
      parts.forEach((part, k) => {
        if (k > 0) chunks = [];
        if (part) chunks.push({ text: part, style });
      });
    };
    let at = 0;
    for (const match of row.matchAll(ESCAPE)) {
      push(row.slice(at, match.index));
      at = match.index! + match[0].length;
      if (match[2] === 'm') {
        style = applySgr(
          style,
          match[1] ? match[1].split(/[;:]/).map(p => Number(p || 0)) : [],
        );
      }
    }
    push(row.slice(at));
    return {
      number: index + 1,
      text: chunks.map(c => c.text).join(''),
      chunks,
    };
  });
}
