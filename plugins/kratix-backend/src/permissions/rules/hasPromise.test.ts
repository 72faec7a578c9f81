import { entry, query } from './testEntry';
import { hasPromise } from './hasPromise';

describe('hasPromise', () => {
  const promises = ['postgres', 'iam'];

  it('matches a Resource of one of the Promises', () => {
    expect(hasPromise.apply(entry({ promise: 'postgres' }), { promises })).toBe(
      true,
    );
    expect(query(hasPromise.toQuery({ promises }))(entry())).toBe(true);
  });

  it('does not match one of another Promise', () => {
    expect(hasPromise.apply(entry({ promise: 'redis' }), { promises })).toBe(
      false,
    );
    expect(
      query(hasPromise.toQuery({ promises }))(entry({ promise: 'redi' })),
    ).toBe(false);
  });
});
