// What plugin.ts wires: the API the router serves, and its life cycle.
// One implementation per mode: embeddedEngine.ts (the default) and
// ../kubernetes/clusterEngine.ts (`kratix.kubernetes`).
import { KratixApi } from './KratixApi';

export interface KratixEngine {
  /**
   * The API of the named cluster (Kubernetes mode), or of the engine's only
   * one when none is named; throws a NotFoundError or an InputError saying
   * which clusters there are.
   */
  api(cluster?: string): KratixApi;
  /** After the backend started: begin reconciling or watching. */
  start(): void | Promise<void>;
  stop(): Promise<void>;
}
