import { entry, query } from './testEntry';
import { isRequestedBy } from './isRequestedBy';

const by = (ref?: string) =>
  entry({ annotations: ref ? { 'kratix.io/requested-by': ref } : {} });

describe('isRequestedBy', () => {
  const claims = ['user:default/ada', 'group:default/team-a'];

  it('matches a Resource requested by one of the claims, ignoring case', () => {
    expect(isRequestedBy.apply(by('user:default/ada'), { claims })).toBe(true);
    expect(isRequestedBy.apply(by('group:default/Team-A'), { claims })).toBe(
      true,
    );
    expect(
      query(isRequestedBy.toQuery({ claims }))(by('user:default/ada')),
    ).toBe(true);
  });

  it('does not match another requester, or a Resource without one', () => {
    expect(isRequestedBy.apply(by('user:default/bob'), { claims })).toBe(false);
    expect(isRequestedBy.apply(by(), { claims })).toBe(false);
    expect(isRequestedBy.apply(entry(), { claims })).toBe(false);
    expect(isRequestedBy.apply(by('user:default/ada'), { claims: [] })).toBe(
      false,
    );
    expect(
      query(isRequestedBy.toQuery({ claims }))(by('user:default/bob')),
    ).toBe(false);
  });
});
