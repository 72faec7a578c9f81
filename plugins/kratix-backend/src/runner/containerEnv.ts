// A container's own env vars, resolved as a kubelet would: `value`, or
// `valueFrom` a Secret's or ConfigMap's key. The process runner's Secrets
// and ConfigMaps come from config (kratix.runner.process.secrets /
// configMaps); their values are never logged.
import { KeyRef, PipelineEnvVar } from '../engine/interfaces';

/** Secret or ConfigMap name -> key -> value. */
export type KeyValueSources = Record<string, Record<string, string>>;

export interface EnvSources {
  secrets?: KeyValueSources;
  configMaps?: KeyValueSources;
}

export type ResolvedEnv =
  | { env: Record<string, string>; notes: string[] }
  | { error: string };

const SOURCES = [
  ['secretKeyRef', 'secrets', 'Secret'],
  ['configMapKeyRef', 'configMaps', 'ConfigMap'],
] as const;

/**
 * The env vars, or why the container cannot start (a missing key that is
 * not `optional`). `notes` say what was left out, for the run's log.
 */
export function resolveContainerEnv(
  vars: PipelineEnvVar[],
  sources: EnvSources,
): ResolvedEnv {
  const env: Record<string, string> = {};
  const notes: string[] = [];
  for (const v of vars) {
    if (v.value !== undefined || !v.valueFrom) {
      env[v.name] = v.value ?? '';
      continue;
    }
    let resolved = false;
    for (const [field, config, kind] of SOURCES) {
      const ref: KeyRef | undefined = v.valueFrom[field];
      if (!ref) continue;
      resolved = true;
      const value = sources[config]?.[ref.name]?.[ref.key];
      if (value !== undefined) {
        env[v.name] = value;
      } else if (ref.optional) {
        notes.push(`env ${v.name} not set: optional ${kind} key missing`);
      } else {
        return {
          error:
            `env ${v.name}: ${kind} "${ref.name}" has no key "${ref.key}"; ` +
            `set kratix.runner.process.${config}["${ref.name}"]["${ref.key}"]`,
        };
      }
    }
    if (!resolved) {
      notes.push(
        `env ${v.name} skipped: valueFrom ${(v.valueFrom.other ?? []).join(
          ', ',
        )} is not supported by the process runner (only value, secretKeyRef and configMapKeyRef)`,
      );
    }
  }
  return { env, notes };
}
