/** How a failed call should be explained to the user. */
export type ErrorKind =
  | 'notFound'
  | 'unknownPromise'
  | 'forbidden'
  | 'network'
  | 'server'
  | 'other';

type ErrorLike =
  | {
      statusCode?: number;
      response?: { status?: number };
      name?: string;
      message?: string;
      body?: { error?: { message?: string } };
    }
  | undefined;

/** The HTTP status of a `ResponseError` (or anything shaped like one). */
export function errorStatus(error: unknown): number | undefined {
  const e = error as ErrorLike;
  return e?.statusCode ?? e?.response?.status;
}

/** The server's own explanation when there is one, else the error message. */
export function errorMessage(error: unknown): string {
  const e = error as ErrorLike;
  return e?.body?.error?.message || e?.message || String(error);
}

/** The backend's answer when the Promise itself is not installed. */
const UNKNOWN_PROMISE = /^Promise '[^']+' not found/;

/** Reads the HTTP status (or its absence) and the backend's message. */
export function errorKind(error: unknown): ErrorKind {
  const e = error as ErrorLike;
  const status = errorStatus(error);
  if (status === 404 || e?.name === 'NotFoundError') {
    return UNKNOWN_PROMISE.test(errorMessage(error))
      ? 'unknownPromise'
      : 'notFound';
  }
  if (status === 403 || e?.name === 'NotAllowedError') {
    return 'forbidden';
  }
  if (status !== undefined && status >= 500) {
    return 'server';
  }
  // fetch rejects with a TypeError when the request never got an answer.
  if (status === undefined && e?.name === 'TypeError') {
    return 'network';
  }
  return 'other';
}

/** Whether a quiet reload that failed this way keeps the old value shown. */
export function isTransient(error: unknown): boolean {
  const kind = errorKind(error);
  return (
    kind !== 'notFound' && kind !== 'unknownPromise' && kind !== 'forbidden'
  );
}
