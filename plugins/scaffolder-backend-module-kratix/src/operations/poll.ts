/** Options shared by everything that waits for the engine. */
export interface PollOptions {
  timeoutMs: number;
  /** Pause between two looks at the Resource. */
  intervalMs: number;
  /** Cancels the wait (the scaffolder's task cancellation). */
  signal?: AbortSignal;
}

/**
 * Calls `check` until it returns a value, throws, the signal aborts, or the
 * timeout passes; then throws the error `onTimeout` makes.
 */
export async function poll<T>(
  options: PollOptions,
  check: () => Promise<T | undefined>,
  onTimeout: () => Error,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const value = await check();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) throw onTimeout();
    await sleep(Math.min(options.intervalMs, left), options.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', abort, { once: true });
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
  });
}
