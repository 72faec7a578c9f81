// Caps the status a pipeline's status.yaml may leave (spec section 4): a
// status is stored, published and sent to clients whole, so it must stay
// well below the events bus's 5 MB request limit.
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { DEFAULT_STATUS_MAX_BYTES, StatusFileError } from './statusFile';

/** The size of a status as it is stored and published: its JSON, in bytes. */
export function statusBytes(status: KratixStatus | undefined): number {
  return Buffer.byteLength(JSON.stringify(status ?? {}));
}

/**
 * Throws a `StatusFileError` when merging a status.yaml made the status
 * larger than `maxBytes`. A status that is already too large (saved before
 * the limit, or under a larger one) may still shrink.
 */
export function checkMergedStatusSize(
  before: KratixStatus | undefined,
  after: KratixStatus,
  maxBytes = DEFAULT_STATUS_MAX_BYTES,
): void {
  const size = statusBytes(after);
  if (size <= maxBytes || size <= statusBytes(before)) return;
  throw new StatusFileError(
    'too-large',
    `merging /kratix/metadata/status.yaml would make the status ${size} bytes, more than the limit of ${maxBytes} bytes (kratix.engine.statusMaxBytes); the status is kept as it was`,
  );
}
