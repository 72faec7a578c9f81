import { KratixPromise } from '@kratix-backstage/plugin-kratix-common';
import { parseStatusFile } from './statusFile';
import {
  RequirementStates,
  evaluateRequirements,
  isPromiseAvailable,
  markPromiseUnavailable,
  markRequirements,
} from './requirements';

const promise = (
  name: string,
  extra: { generation?: number; observed?: number; labels?: object } = {},
) =>
  ({
    apiVersion: 'platform.kratix.io/v1alpha1',
    kind: 'Promise',
    metadata: {
      name,
      generation: extra.generation ?? 1,
      labels: extra.labels,
    },
    spec: {},
    status: { observedGeneration: extra.observed },
  } as unknown as KratixPromise);

describe('requiredPromises', () => {
  it('names the state of each requirement, as upstream', () => {
    const installed = {
      ready: promise('ready', { observed: 1 }),
      pending: promise('pending'),
      changed: promise('changed', { generation: 2, observed: 1 }),
      versioned: promise('versioned', {
        observed: 1,
        labels: { 'kratix.io/promise-version': 'v1' },
      }),
    } as Record<string, KratixPromise>;
    const result = evaluateRequirements(
      [
        { name: 'ready' },
        { name: 'missing' },
        { name: 'pending' },
        { name: 'changed' },
        { name: 'versioned', version: 'v1' },
        { name: 'versioned', version: 'v2' },
      ],
      name => installed[name],
    );
    expect(result.fulfilled).toBe(false);
    expect(result.requiredPromises.map(r => r.state)).toEqual([
      RequirementStates.installed,
      RequirementStates.notInstalled,
      RequirementStates.notAvailable,
      RequirementStates.notAvailable,
      RequirementStates.installed,
      RequirementStates.notAtVersion,
    ]);
    const status = markRequirements({}, result, new Date(0));
    expect(status.conditions).toEqual([
      {
        type: 'RequirementsFulfilled',
        status: 'False',
        reason: 'RequirementsNotInstalled',
        message:
          'Requirements not fulfilled: missing (Requirement not installed), pending (Requirement not available), changed (Requirement not available), versioned@v2 (Requirement not installed at the specified version)',
        lastTransitionTime: '1970-01-01T00:00:00Z',
      },
      {
        type: 'PromiseAvailable',
        status: 'False',
        reason: 'RequirementsNotInstalled',
        message:
          'Requirements not fulfilled: missing (Requirement not installed), pending (Requirement not available), changed (Requirement not available), versioned@v2 (Requirement not installed at the specified version)',
        lastTransitionTime: '1970-01-01T00:00:00Z',
      },
    ]);
  });

  it('is available when configured for its spec and not paused or deleted', () => {
    expect(isPromiseAvailable(promise('a', { observed: 1 }))).toBe(true);
    expect(
      isPromiseAvailable(
        promise('a', { observed: 1, labels: { 'kratix.io/paused': 'true' } }),
      ),
    ).toBe(false);
  });

  it('keeps pipelines from setting PromiseAvailable', () => {
    const result = parseStatusFile(`conditions:
  - {type: PromiseAvailable, status: "True"}
`);
    expect(result.patch).toEqual({ conditions: [] });
    expect(result.warnings).toHaveLength(1);
  });
});

describe('a Resource waiting for its Promise', () => {
  it('keeps its message: only PromiseAvailable says it waits', () => {
    const why = { reason: 'PromiseUnavailable', message: 'not yet' };
    const status = markPromiseUnavailable(
      { message: 'User created' },
      why,
      new Date(0),
    );
    expect(status).toEqual({
      message: 'User created',
      conditions: [
        {
          type: 'PromiseAvailable',
          status: 'False',
          ...why,
          lastTransitionTime: '1970-01-01T00:00:00Z',
        },
      ],
    });
  });
});
