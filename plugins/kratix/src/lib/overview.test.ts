import { KratixPromise } from '@kratix-backstage/plugin-kratix-common';
import {
  readyStatus,
  resource,
  runningStatus,
} from '../__testUtils__/fixtures';
import {
  countBy,
  filterResources,
  promiseApi,
  promiseAvailability,
  resourceState,
  stateCountsText,
} from './overview';

const promise = (spec: object, status?: object) =>
  ({
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: { name: 'postgres' },
    spec,
    status,
  } as KratixPromise);

describe('overview', () => {
  it('reads the API kind, group and served versions of a Promise', () => {
    const api = {
      spec: {
        group: 'marketplace.kratix.io',
        names: { kind: 'Postgres' },
        versions: [
          { name: 'v1', served: true },
          { name: 'v1beta1', served: false },
        ],
      },
    };
    expect(promiseApi(promise({ api }))).toEqual({
      kind: 'Postgres',
      group: 'marketplace.kratix.io',
      versions: ['v1'],
    });
    expect(promiseApi(promise({}))).toBeUndefined();
  });

  it("reads a Promise's availability, else its workflow", () => {
    expect(promiseAvailability(promise({}, { status: 'Available' }))).toBe(
      'available',
    );
    expect(promiseAvailability(promise({}, { status: 'Unavailable' }))).toBe(
      'unavailable',
    );
    expect(promiseAvailability(promise({}, runningStatus()))).toBe('running');
  });

  it('counts Resources by state, worst first', () => {
    const resources = [
      resource(readyStatus()),
      resource(runningStatus()),
      resource(readyStatus()),
      resource(),
    ];
    expect(stateCountsText(countBy(resources, resourceState))).toBe(
      '1 In progress, 1 Pending, 2 Ready',
    );
    expect(stateCountsText({})).toBe('none');
  });

  it('filters by Promise, namespace, condition and health together', () => {
    const rows = [
      { promise: 'postgres', resource: resource(readyStatus()) },
      { promise: 'postgres', resource: resource(runningStatus()) },
      { promise: 'redis', resource: resource(readyStatus()) },
    ];
    expect(filterResources(rows, { promise: 'postgres' })).toHaveLength(2);
    expect(
      filterResources(rows, {
        promise: 'postgres',
        condition: 'Reconciled: Unknown',
      }),
    ).toEqual([rows[1]]);
    expect(filterResources(rows, { health: 'healthy' })).toEqual([
      rows[0],
      rows[2],
    ]);
    expect(filterResources(rows, { health: 'none' })).toEqual([rows[1]]);
    expect(filterResources(rows, { namespace: 'team-b' })).toEqual([]);
  });
});
