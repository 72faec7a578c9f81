// Who requested a Resource (`kratix.io/requested-by`): the backend's to
// say, from the caller's credentials, never the body's.
import { KRATIX_REQUESTED_BY_ANNOTATION } from '@kratix-backstage/plugin-kratix-common';

/** The caller of an apply through the API. */
export interface Requester {
  /** A user's entity ref; none for a service caller. */
  userEntityRef?: string;
}

/**
 * The annotations an apply writes. Without a requester (the plugin's own
 * callers, such as seed files) the body's annotations as given (or the
 * stored ones when the body has none). With one, the body's value of
 * `kratix.io/requested-by` is dropped: a Resource that exists keeps its
 * own (or stays without), a new one gets the requesting user's ref (a
 * service caller's gets none).
 */
export function annotationsToWrite(
  input: Record<string, string> | undefined,
  existing: Record<string, string> | undefined,
  requester: Requester | undefined,
  exists: boolean,
): Record<string, string> | undefined {
  const annotations = input ?? existing;
  if (!requester) return annotations;
  const { [KRATIX_REQUESTED_BY_ANNOTATION]: _body, ...rest } =
    annotations ?? {};
  const by = exists
    ? existing?.[KRATIX_REQUESTED_BY_ANNOTATION]
    : requester.userEntityRef;
  return by ? { ...rest, [KRATIX_REQUESTED_BY_ANNOTATION]: by } : rest;
}
