import { runTrigger, RunCause } from './runTrigger';

const cause = (c: Partial<RunCause>): RunCause => ({
  reason: 'interval',
  failures: 0,
  action: 'configure',
  labelled: false,
  ...c,
});

describe('runTrigger', () => {
  it.each([
    ['created', 'create'],
    ['spec-changed', 'spec-change'],
    ['manual', 'manual'],
    ['reconcile-resources', 'manual'],
    ['pause-changed', 'manual'],
    ['interval', 'interval'],
    ['workflow-retry', 'retry'],
    ['promise-changed', 'promise-change'],
    ['promise-available', 'promise-change'],
    ['required-promise-deleted', 'promise-change'],
  ])('a configure for %p is %p', (reason, trigger) => {
    expect(runTrigger(cause({ reason }))).toBe(trigger);
  });

  it.each([
    ['deleted', 'delete'],
    ['promise-deleted', 'delete'],
    ['delete-resources', 'delete'],
    ['spec-changed', 'delete'],
    ['delete-retry', 'retry'],
    ['manual', 'manual'],
  ])('a delete for %p is %p', (reason, trigger) => {
    expect(runTrigger(cause({ reason, action: 'delete' }))).toBe(trigger);
  });

  it('says retry after an error, unless asked by hand', () => {
    expect(runTrigger(cause({ reason: 'created', failures: 2 }))).toBe('retry');
    expect(runTrigger(cause({ reason: 'manual', failures: 2 }))).toBe('manual');
    expect(
      runTrigger(cause({ reason: 'interval', failures: 1, labelled: true })),
    ).toBe('manual');
  });

  it('says manual for the manual-reconciliation label', () => {
    expect(runTrigger(cause({ reason: 'interval', labelled: true }))).toBe(
      'manual',
    );
  });

  it('says create for a new object that waited for its Promise', () => {
    expect(
      runTrigger(cause({ reason: 'promise-available', neverConfigured: true })),
    ).toBe('create');
    expect(
      runTrigger(
        cause({ reason: 'promise-available', neverConfigured: false }),
      ),
    ).toBe('promise-change');
  });

  it('leaves a reason it does not know unknown', () => {
    expect(runTrigger(cause({ reason: 'something-new' }))).toBeUndefined();
  });
});
