import { parseLabelSelector } from './labelSelector';

describe('parseLabelSelector', () => {
  const labels = { team: 'a', tier: 'db', 'kratix.io/env': 'dev' };

  it.each([
    ['team=a', true],
    ['team==a', true],
    ['team!=a', false],
    ['team=b', false],
    ['tier in (db, cache)', true],
    ['tier notin (db)', false],
    ['missing notin (x)', true],
    ['team', true],
    ['!team', false],
    ['!missing', true],
    ['kratix.io/env=dev,team=a', true],
    ['kratix.io/env=dev,team=b', false],
    ['', true],
  ])('%p matches: %p', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it.each([
    ['team=a b', /Invalid labelSelector term 'team=a b'/],
    ['tier in db', /Invalid labelSelector term/],
    ['bad key!=x=y', /Invalid labelSelector term/],
    ['team=@', /'@' is not a valid label value/],
  ])('refuses %p', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });
});
