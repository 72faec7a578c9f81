import { parseAnsi } from './ansi';
import { findMatches, markMatches } from './logSearch';

describe('findMatches', () => {
  const lines = parseAnsi('Error: one\nok\nerror and ERROR\n');

  it('finds every match, case-insensitive, with its line', () => {
    expect(findMatches(lines, 'error')).toEqual([
      { line: 1, start: 0, end: 5 },
      { line: 3, start: 0, end: 5 },
      { line: 3, start: 10, end: 15 },
    ]);
  });

  it('finds nothing for an empty query', () => {
    expect(findMatches(lines, '')).toEqual([]);
  });
});

describe('markMatches', () => {
  it('cuts chunks at the matches, across styles, numbering the matches', () => {
    const [line] = parseAnsi('ab\x1b[31mcd\x1b[0mef cd');
    const matches = findMatches([line], 'bc').concat(
      findMatches([line], 'f c'),
    );
    expect(markMatches(line.chunks, matches, 4)).toEqual([
      { text: 'a', style: {} },
      { text: 'b', style: {}, match: 4 },
      { text: 'c', style: { fg: '#cd3131' }, match: 4 },
      { text: 'd', style: { fg: '#cd3131' } },
      { text: 'e', style: {} },
      { text: 'f c', style: {}, match: 5 },
      { text: 'd', style: {} },
    ]);
  });

  it('leaves a line without matches as it is', () => {
    const [line] = parseAnsi('plain');
    expect(markMatches(line.chunks, [])).toBe(line.chunks);
  });
});
