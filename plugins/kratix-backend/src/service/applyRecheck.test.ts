// An apply that updates a Resource is checked against the version it
// writes over: when the Resource changed after the check, it is checked
// again, so a check of an older version never lets a write through.
import { NotAllowedError } from '@backstage/errors';
import { parse } from 'yaml';
import {
  KRATIX_REQUESTED_BY_ANNOTATION as REQUESTED_BY,
  KratixResource,
} from '@kratix-backstage/plugin-kratix-common';
import {
  createStore,
  createTestDatabases,
} from '../database/__testUtils__/databases';
import { iamPromiseYaml } from '../__testUtils__/iamPromise';
import { KratixService } from './KratixService';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const requestedBy = (resource: KratixResource) =>
  resource.metadata.annotations?.[REQUESTED_BY];

describe.each(databases.eachSupportedId())('an apply on %p', id => {
  it('checks the Resource again when it changed after the check', async () => {
    const { store } = await createStore(databases, id);
    const service = new KratixService({ store, wake: () => {} });
    await service.applyPromise(parse(iamPromiseYaml({ deleteMarker: '/x' })));
    const apply = (spec: object, options: object = {}) =>
      service.applyResource('iam', 'default', 'shared', { spec }, options);
    await apply(
      { user: 'bob' },
      { requester: { userEntityRef: 'user:default/bob' } },
    );

    // bob may change what he requested; while he is checked, the operator
    // (a seed, without a requester) gives the Resource to ada.
    const checked: Array<string | undefined> = [];
    const bobs = apply(
      { user: 'bob2' },
      {
        requester: { userEntityRef: 'user:default/bob' },
        mayUpdate: async (stored: KratixResource) => {
          checked.push(requestedBy(stored));
          if (checked.length === 1) {
            await service.applyResource('iam', 'default', 'shared', {
              metadata: { annotations: { [REQUESTED_BY]: 'user:default/ada' } },
              spec: { user: 'ada' },
            });
          }
          if (requestedBy(stored) !== 'user:default/bob') {
            throw new NotAllowedError('not bob');
          }
        },
      },
    );
    await expect(bobs).rejects.toThrow('not bob');
    expect(checked).toEqual(['user:default/bob', 'user:default/ada']);
    const stored = await service.getResource('iam', 'default', 'shared');
    expect([requestedBy(stored), stored.spec]).toEqual([
      'user:default/ada',
      { user: 'ada' },
    ]);
  });
});
