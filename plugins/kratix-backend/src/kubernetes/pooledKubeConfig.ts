// client-node 2.0.1 gives every request a new undici Agent, so a new TCP
// and TLS connection: on a busy API server each call then costs a
// handshake (5-10x a kept connection's latency, twice its CPU). This
// KubeConfig keeps the first Agent of each cluster and user, as
// client-node already does for its https agents, so requests and watches
// share kept-alive connections.
import { KubeConfig, RequestContext } from '@kubernetes/client-node';

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

export class PooledKubeConfig extends KubeConfig {
  private readonly dispatchers = new Map<string, Dispatcher>();

  override async applySecurityAuthentication(
    context: RequestContext,
  ): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return; // no TLS options: undici's global pool serves it
    const key = JSON.stringify([
      this.getCurrentCluster()?.name ?? '',
      this.getCurrentUser()?.name ?? '',
    ]);
    const kept = this.dispatchers.get(key);
    if (!kept) {
      this.dispatchers.set(key, fresh);
      return;
    }
    context.setDispatcher(kept);
    fresh.close().catch(() => {}); // never connected
  }
}
