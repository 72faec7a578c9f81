import { annotationsToWrite } from './requestedBy';

const KEY = 'kratix.io/requested-by';
const ada = { userEntityRef: 'user:default/ada' };

describe('annotationsToWrite', () => {
  it('gives a new Resource the requesting user, whatever the body says', () => {
    expect(
      annotationsToWrite(
        { a: '1', [KEY]: 'user:default/bob' },
        undefined,
        ada,
        false,
      ),
    ).toEqual({
      a: '1',
      [KEY]: 'user:default/ada',
    });
    expect(annotationsToWrite(undefined, undefined, ada, false)).toEqual({
      [KEY]: 'user:default/ada',
    });
  });

  it("leaves a service caller's new Resource without a requester", () => {
    expect(
      annotationsToWrite({ [KEY]: 'user:default/bob' }, undefined, {}, false),
    ).toEqual({});
  });

  it('keeps the stored requester (or none) on a later apply', () => {
    const stored = { [KEY]: 'user:default/ada', a: '1' };
    const bob = { userEntityRef: 'user:default/bob' };
    expect(annotationsToWrite({ b: '2' }, stored, bob, true)).toEqual({
      b: '2',
      [KEY]: 'user:default/ada',
    });
    expect(annotationsToWrite(undefined, stored, bob, true)).toEqual(stored);
    expect(
      annotationsToWrite({ [KEY]: 'user:default/bob' }, { a: '1' }, bob, true),
    ).toEqual({});
  });

  it("takes the annotations as given from the plugin's own callers (seed files)", () => {
    const seeded = { [KEY]: 'user:default/guest' };
    expect(annotationsToWrite(seeded, undefined, undefined, false)).toBe(
      seeded,
    );
  });
});
