import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { withPromiseAvailability } from './promiseAvailability';

const now = new Date('2024-01-01T00:00:00Z');
const configured: KratixStatus = {
  conditions: [{ type: 'ConfigureWorkflowCompleted', status: 'True' }],
};
const available = (status: KratixStatus) => {
  const next = withPromiseAvailability(status, now);
  const c = next.conditions?.find(x => x.type === 'Available');
  return [next.status, c?.status, c?.reason, c?.message];
};

describe('withPromiseAvailability', () => {
  it('is Available once the configure workflow succeeded', () => {
    expect(available(configured)).toEqual([
      'Available',
      'True',
      'PromiseAvailable',
      'Ready to fulfil resource requests',
    ]);
  });

  it.each<[string, KratixStatus, string]>([
    ['before any workflow', {}, 'PromiseUnavailable'],
    [
      'while its workflow runs',
      {
        conditions: [{ type: 'ConfigureWorkflowCompleted', status: 'False' }],
      },
      'PromiseUnavailable',
    ],
    [
      'with requirements not fulfilled (upstream)',
      {
        conditions: [
          ...configured.conditions!,
          { type: 'RequirementsFulfilled', status: 'False' },
        ],
      },
      'PromiseUnavailable',
    ],
    [
      'with PromiseAvailable False',
      {
        conditions: [
          ...configured.conditions!,
          { type: 'PromiseAvailable', status: 'False' },
        ],
      },
      'PromiseUnavailable',
    ],
    [
      'when suspended',
      {
        conditions: [
          ...configured.conditions!,
          { type: 'Reconciled', status: 'Unknown', reason: 'Suspended' },
        ],
      },
      'Suspended',
    ],
  ])('is Unavailable %s', (_name, status, reason) => {
    expect(available(status).slice(0, 3)).toEqual([
      'Unavailable',
      'False',
      reason,
    ]);
  });

  it('keeps lastTransitionTime while Available stays the same', () => {
    const once = withPromiseAvailability(configured, now);
    const later = withPromiseAvailability(once, new Date('2025-01-01'));
    expect(later.conditions).toEqual(once.conditions);
  });
});
