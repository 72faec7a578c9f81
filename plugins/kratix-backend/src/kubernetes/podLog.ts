import { CoreV1Api, V1Pod } from '@kubernetes/client-node';

/**
 * A Pod container's log through `pods/log`, at most `limitBytes`: the
 * kubelet enforces `limitBytes`, and whatever it sends is cut to it too.
 * Throws as the API does (not started, gone, unreachable).
 */
export async function readPodLog(
  core: CoreV1Api,
  pod: V1Pod,
  container: string,
  limitBytes: number,
): Promise<{ log: string; truncated: boolean }> {
  const log = await core.readNamespacedPodLog({
    name: pod.metadata!.name!,
    namespace: pod.metadata!.namespace!,
    container,
    limitBytes,
  });
  const bytes = Buffer.byteLength(log);
  return {
    log:
      bytes > limitBytes
        ? Buffer.from(log).subarray(0, limitBytes).toString()
        : log,
    truncated: bytes >= limitBytes,
  };
}
