// What other backend modules may give the embedded engine instead of its
// own parts: a pipeline runner, a state store for the Destinations.
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { PipelineRunner, StateStore } from './engine/interfaces';

/**
 * Replaces parts of the embedded engine; Kubernetes mode (upstream Kratix
 * runs the pipelines there) uses neither. Each may be set once.
 *
 * @alpha
 */
export interface KratixEngineExtensionPoint {
  /** Runs the pipelines, instead of sandboxed local processes. */
  setPipelineRunner(runner: PipelineRunner): void;
  /** Writes the Destinations' files, instead of `kratix.stateStore.path`. */
  setStateStore(store: StateStore): void;
}

/** @alpha */
export const kratixEngineExtensionPoint =
  createExtensionPoint<KratixEngineExtensionPoint>({ id: 'kratix.engine' });

/** The parts modules set, and the extension point that sets them. */
export interface EngineParts {
  runner?: PipelineRunner;
  stateStore?: StateStore;
}

export function createEngineParts(): {
  parts: EngineParts;
  extensionPoint: KratixEngineExtensionPoint;
} {
  const parts: EngineParts = {};
  const setOnce = <K extends keyof EngineParts>(
    name: K,
    what: string,
    value: EngineParts[K],
  ) => {
    if (parts[name]) {
      throw new Error(`Another module already set the Kratix ${what}`);
    }
    parts[name] = value;
  };
  return {
    parts,
    extensionPoint: {
      setPipelineRunner: runner => setOnce('runner', 'pipeline runner', runner),
      setStateStore: store => setOnce('stateStore', 'state store', store),
    },
  };
}
