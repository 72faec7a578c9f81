// Runs a job until it succeeds, waiting longer after each failure.

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 60_000;

export async function retryUntilDone(
  job: () => Promise<void>,
  options: {
    signal: AbortSignal;
    onError: (error: Error, delayMs: number) => void;
  },
): Promise<void> {
  for (let delayMs = FIRST_DELAY_MS; !options.signal.aborted; ) {
    try {
      await job();
      return;
    } catch (e) {
      if (options.signal.aborted) return;
      options.onError(e as Error, delayMs);
      await new Promise<void>(resolve => {
        const timer = setTimeout(done, delayMs);
        options.signal.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(timer);
          options.signal.removeEventListener('abort', done);
          resolve();
        }
      });
      delayMs = Math.min(delayMs * 2, MAX_DELAY_MS);
    }
  }
}
