/** How a failed call should be explained to the user. */
export type ErrorKind = 'notFound' | 'forbidden' | 'other';

/** Reads the HTTP status of a `ResponseError` (or anything shaped like one). */
export function errorKind(error: unknown): ErrorKind {
  const e = error as
    | { statusCode?: number; response?: { status?: number }; name?: string }
    | undefined;
  const status = e?.statusCode ?? e?.response?.status;
  if (status === 404 || e?.name === 'NotFoundError') {
    return 'notFound';
  }
  if (status === 403 || e?.name === 'NotAllowedError') {
    return 'forbidden';
  }
  return 'other';
}

/** The server's own explanation when there is one, else the error message. */
export function errorMessage(error: unknown): string {
  const e = error as
    | { message?: string; body?: { error?: { message?: string } } }
    | undefined;
  return e?.body?.error?.message || e?.message || String(error);
}
