import { floorRetryAfter } from './retryAfterFloor';

describe('floorRetryAfter', () => {
  it('raises a retryAfter below the floor to it, with a warning', () => {
    expect(floorRetryAfter(1, 5000)).toEqual({
      retryAfterMs: 5000,
      warning:
        'retryAfter 1ms in /kratix/metadata/workflow-control.yaml is shorter than engine.errorRetryInterval (5s): the pipeline runs again after 5s',
    });
  });

  it('keeps one at or above the floor', () => {
    expect(floorRetryAfter(5000, 5000)).toEqual({ retryAfterMs: 5000 });
    expect(floorRetryAfter(60_000, 1500)).toEqual({ retryAfterMs: 60_000 });
  });
});
