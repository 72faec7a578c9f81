import { checkMergedStatusSize, statusBytes } from './statusSize';
import { DEFAULT_STATUS_MAX_BYTES, StatusFileError } from './statusFile';

const sized = (bytes: number) => {
  // {"data":"…"} is 11 bytes around the string.
  const status = { data: 'x'.repeat(bytes - 11) };
  expect(statusBytes(status)).toBe(bytes);
  return status;
};

describe('statusBytes', () => {
  it('counts the bytes of the JSON, not the characters', () => {
    expect(statusBytes({ message: 'é' })).toBe(
      Buffer.byteLength('{"message":"é"}'),
    );
    expect(statusBytes(undefined)).toBe(2);
  });
});

describe('checkMergedStatusSize', () => {
  it('accepts a status up to the limit', () => {
    expect(() =>
      checkMergedStatusSize(undefined, sized(100), 100),
    ).not.toThrow();
  });

  it('refuses one byte more, saying the size and the limit', () => {
    expect(() => checkMergedStatusSize({}, sized(101), 100)).toThrow(
      new StatusFileError(
        'too-large',
        'merging /kratix/metadata/status.yaml would make the status 101 bytes, more than the limit of 100 bytes (kratix.engine.statusMaxBytes); the status is kept as it was',
      ),
    );
  });

  it('defaults to 1 MiB', () => {
    expect(DEFAULT_STATUS_MAX_BYTES).toBe(1024 * 1024);
    expect(() =>
      checkMergedStatusSize({}, sized(DEFAULT_STATUS_MAX_BYTES)),
    ).not.toThrow();
    expect(() =>
      checkMergedStatusSize({}, sized(DEFAULT_STATUS_MAX_BYTES + 1)),
    ).toThrow(/more than the limit of 1048576 bytes/);
  });

  it('lets a status that is already too large shrink, but not grow', () => {
    const big = sized(300);
    expect(() => checkMergedStatusSize(big, sized(200), 100)).not.toThrow();
    expect(() => checkMergedStatusSize(big, sized(300), 100)).not.toThrow();
    expect(() => checkMergedStatusSize(big, sized(301), 100)).toThrow(
      /301 bytes, more than the limit of 100 bytes/,
    );
  });
});
