import { entry, query } from './testEntry';
import { isInNamespace } from './isInNamespace';

describe('isInNamespace', () => {
  const namespaces = ['team-a', 'team-b'];

  it('matches a Resource in one of the namespaces', () => {
    expect(
      isInNamespace.apply(entry({ namespace: 'team-b' }), { namespaces }),
    ).toBe(true);
    expect(
      query(isInNamespace.toQuery({ namespaces }))(
        entry({ namespace: 'team-a' }),
      ),
    ).toBe(true);
  });

  it('does not match one in another namespace', () => {
    expect(isInNamespace.apply(entry(), { namespaces })).toBe(false);
    expect(
      query(isInNamespace.toQuery({ namespaces }))(
        entry({ namespace: 'team' }),
      ),
    ).toBe(false);
  });
});
