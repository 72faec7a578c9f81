import { deleteRetryDelay, retryDelay } from './backoff';

const failedDelete = { action: 'delete', phase: 'Failed' } as const;
const configure = { action: 'configure', phase: 'Succeeded' } as const;

describe('retryDelay', () => {
  const options = { firstMs: 10, maxMs: 100 };

  it('doubles with each failure in a row, up to the max', () => {
    const delays = [1, 2, 3, 4, 5, 6].map(n => retryDelay(n, options));
    expect(delays).toEqual([10, 20, 40, 80, 100, 100]);
    expect(retryDelay(10_000, options)).toBe(100);
  });

  it('never waits less than the first interval, nor more than the max', () => {
    expect(retryDelay(0, options)).toBe(10);
    expect(retryDelay(3, { firstMs: 50, maxMs: 10 })).toBe(50);
    expect(retryDelay(3, { firstMs: 0, maxMs: 100 })).toBe(0);
  });

  it('takes up to a quarter off with jitter, from the random source given', () => {
    const at = (value: number) => (n: number) =>
      retryDelay(n, { ...options, random: () => value });
    expect([1, 2, 3, 4, 5].map(at(0))).toEqual([10, 20, 40, 80, 100]);
    expect([1, 2, 3, 4, 5].map(at(0.5))).toEqual([9, 18, 35, 70, 88]);
    expect([1, 2, 3, 4, 5].map(at(0.999))).toEqual([8, 15, 30, 60, 75]);
  });
});

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
