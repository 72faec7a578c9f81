import { applySgr, colour256, parseAnsi } from './ansi';

describe('parseAnsi', () => {
  it('turns SGR codes into styled chunks and drops them from the text', () => {
    const [line] = parseAnsi(
      '\x1b[1;31merror\x1b[0m: disk \x1b[4mfull\x1b[24m',
    );
    expect(line.text).toBe('error: disk full');
    expect(line.chunks).toEqual([
      { text: 'error', style: { bold: true, fg: '#cd3131' } },
      { text: ': disk ', style: {} },
      { text: 'full', style: { underline: true } },
    ]);
  });

  it('numbers lines from 1, carries a style over a line break and ignores a final newline', () => {
    const lines = parseAnsi('\x1b[32mone\ntwo\x1b[0m\nthree\n');
    expect(lines.map(l => [l.number, l.text, l.chunks[0].style.fg])).toEqual([
      [1, 'one', '#0dbc79'],
      [2, 'two', '#0dbc79'],
      [3, 'three', undefined],
    ]);
  });

  it('drops other escape sequences and keeps what follows a carriage return', () => {
    const [line] = parseAnsi(
      '\x1b[2K\x1b[1Gprogress 10%\rprogress 100%\x1b]0;title\x07 done\r\n',
    );
    expect(line.text).toBe('progress 100% done');
  });

  it('reads 256 and 24-bit colours, foreground and background', () => {
    const [line] = parseAnsi('\x1b[38;5;196;48;2;0;0;255mx');
    expect(line.chunks[0].style).toEqual({ fg: '#ff0000', bg: '#0000ff' });
  });

  it('keeps an empty log as one empty line', () => {
    expect(parseAnsi('')).toEqual([{ number: 1, text: '', chunks: [] }]);
  });
});

describe('colour256', () => {
  it('maps the basic colours, the cube and the greys', () => {
    expect(colour256(9)).toBe('#f14c4c');
    expect(colour256(16)).toBe('#000000');
    expect(colour256(21)).toBe('#0000ff');
    expect(colour256(244)).toBe('#808080');
    expect(colour256(256)).toBeUndefined();
  });
});

describe('applySgr', () => {
  it('resets with 0 or no parameter, and each attribute on its own', () => {
    const styled = applySgr({}, [1, 3, 4, 93, 44]);
    expect(styled).toEqual({
      bold: true,
      italic: true,
      underline: true,
      fg: '#f5f543',
      bg: '#2472c8',
    });
    expect(applySgr(styled, [22, 23, 39])).toEqual({
      underline: true,
      bg: '#2472c8',
    });
    expect(applySgr(styled, [])).toEqual({});
  });
});
