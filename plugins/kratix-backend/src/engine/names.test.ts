import { KratixValidationError } from './errors';
import { checkName, DNS_LABEL, DNS_SUBDOMAIN, nameProblem } from './names';

describe('nameProblem', () => {
  it.each([
    ['a', DNS_LABEL],
    ['a-1', DNS_LABEL],
    ['x'.repeat(63), DNS_LABEL],
    ['a.b-c.d', DNS_SUBDOMAIN],
    [Array(64).fill('abc').join('.').slice(0, 253), DNS_SUBDOMAIN],
  ])('accepts %s', (value, rule) => {
    expect(nameProblem(value, rule)).toBeUndefined();
  });

  it.each([
    ['', DNS_LABEL, 'must not be empty'],
    ['x'.repeat(64), DNS_LABEL, 'must be at most 63 characters, got 64'],
    ['a.b', DNS_LABEL, 'must be lowercase letters, digits or "-"'],
    ['../x', DNS_LABEL, 'must be lowercase'],
    ['a/b', DNS_LABEL, 'must be lowercase'],
    ['.', DNS_SUBDOMAIN, 'must be lowercase'],
    ['..', DNS_SUBDOMAIN, 'must be lowercase'],
    ['a..b', DNS_SUBDOMAIN, 'must be lowercase'],
    ['a.-b', DNS_SUBDOMAIN, 'must be lowercase'],
    ['-a', DNS_SUBDOMAIN, 'must be lowercase'],
    ['Ab', DNS_SUBDOMAIN, 'must be lowercase'],
    ['x'.repeat(254), DNS_SUBDOMAIN, 'at most 253 characters, got 254'],
    [7, DNS_LABEL, 'must be a string, got number'],
  ])('refuses %p', (value, rule, message) => {
    expect(nameProblem(value, rule)).toContain(message);
  });
});

describe('checkName', () => {
  it('throws an error naming the kind, field and rule', () => {
    let error: unknown;
    try {
      checkName('Promise', 'metadata.name', 'a.b', DNS_LABEL);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KratixValidationError);
    expect(error).toMatchObject({ path: 'metadata.name', rule: 'dns-label' });
    expect((error as Error).message).toMatch(
      /^Invalid Promise: metadata\.name: must be lowercase letters/,
    );
  });
});
