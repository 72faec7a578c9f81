import { configApiRef, useApi } from '@backstage/core-plugin-api';

/** The config key: how old a HealthRecord may be before it reads as stale. */
export const HEALTH_STALE_AFTER_CONFIG = 'kratix.frontend.healthStaleAfter';

/** Default: 10 minutes. */
export const DEFAULT_HEALTH_STALE_AFTER_MS = 10 * 60 * 1000;

const UNITS_MS = {
  days: 24 * 3600 * 1000,
  hours: 3600 * 1000,
  minutes: 60 * 1000,
  seconds: 1000,
} as const;

/** `kratix.frontend.healthStaleAfter` (`{ minutes: 10 }`) in milliseconds. */
export function useHealthStaleAfterMs(): number {
  const config = useApi(configApiRef).getOptionalConfig(
    HEALTH_STALE_AFTER_CONFIG,
  );
  if (!config) {
    return DEFAULT_HEALTH_STALE_AFTER_MS;
  }
  let ms = 0;
  for (const [unit, size] of Object.entries(UNITS_MS)) {
    ms += (config.getOptionalNumber(unit) ?? 0) * size;
  }
  if (!(ms > 0)) {
    throw new Error(
      `${HEALTH_STALE_AFTER_CONFIG} must be a positive duration such as { minutes: 10 }`,
    );
  }
  return ms;
}
