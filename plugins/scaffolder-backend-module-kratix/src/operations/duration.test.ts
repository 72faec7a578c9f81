import { DEFAULT_TIMEOUT_MS, formatDuration, parseTimeout } from './duration';

describe('parseTimeout', () => {
  it.each([
    [undefined, DEFAULT_TIMEOUT_MS],
    [90, 90_000],
    ['90', 90_000],
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
  ])('reads %p', (value, ms) => {
    expect(parseTimeout(value)).toBe(ms);
  });

  it.each([0, -1, '', '5 minutes', '1d', '0s'])('refuses %p', value => {
    expect(() => parseTimeout(value)).toThrow(`Invalid timeout '${value}'`);
  });
});

describe('formatDuration', () => {
  it.each([
    [800, '800ms'],
    [1000, '1s'],
    [90_000, '1m30s'],
    [DEFAULT_TIMEOUT_MS, '10m'],
    [3_600_000, '1h'],
  ])('writes %p ms as %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
