import { deleteRetryDelay } from './deleteRetry';

const failedDelete = { action: 'delete', phase: 'Failed' } as const;
const configure = { action: 'configure', phase: 'Succeeded' } as const;

describe('deleteRetryDelay', () => {
  it('doubles with each delete that failed in a row, up to the max', () => {
    const delays = [1, 2, 3, 4, 5, 6].map(n =>
      deleteRetryDelay([...Array(n).fill(failedDelete), configure], 10, 100),
    );
    expect(delays).toEqual([10, 20, 40, 80, 100, 100]);
  });

  it('counts only the failures since the last other run', () => {
    expect(
      deleteRetryDelay(
        [failedDelete, { action: 'delete', phase: 'Succeeded' }, failedDelete],
        10,
        100,
      ),
    ).toBe(10);
  });

  it('never waits less than the first interval', () => {
    expect(deleteRetryDelay([failedDelete, failedDelete], 50, 10)).toBe(50);
    expect(deleteRetryDelay([], 50, 100)).toBe(50);
  });
});
