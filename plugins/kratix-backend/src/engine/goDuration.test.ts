import { parseGoDuration } from './goDuration';

describe('parseGoDuration', () => {
  it.each([
    ['10h', 36_000_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['90s', 90_000],
    ['250ms', 250],
    ['2m0.5s', 120_500],
    ['0', 0],
  ])('reads %p', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it.each(['', '10', 'h', '1d', '1h 30m', 'soon', '1hh'])('refuses %p', text =>
    expect(parseGoDuration(text)).toBeUndefined(),
  );
});
