// A pipeline's `retryAfter` (workflow-control.yaml) is at least the
// engine's error retry interval (`engine.errorRetryInterval`): a pipeline
// that always asks for `1ms` would else run again at once, over and over.
// Upstream Kratix takes any duration.

const human = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** The wait before a suspended pipeline runs again, and why it grew. */
export function floorRetryAfter(
  retryAfterMs: number,
  floorMs: number,
): { retryAfterMs: number; warning?: string } {
  if (retryAfterMs >= floorMs) return { retryAfterMs };
  return {
    retryAfterMs: floorMs,
    warning: `retryAfter ${human(
      retryAfterMs,
    )} in /kratix/metadata/workflow-control.yaml is shorter than engine.errorRetryInterval (${human(
      floorMs,
    )}): the pipeline runs again after ${human(floorMs)}`,
  };
}
