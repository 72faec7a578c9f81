// What plugin.ts wires: the API the router serves, and its life cycle.
// One implementation per mode: embeddedEngine.ts (the default) and
// ../kubernetes/clusterEngine.ts (`kratix.kubernetes`).
import { KratixApi } from './KratixApi';

export interface KratixEngine {
  api: KratixApi;
  /** After the backend started: begin reconciling or watching. */
  start(): void | Promise<void>;
  stop(): Promise<void>;
}
