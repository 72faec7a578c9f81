import { HealthState } from './types';

/** Health states, worst first: with several records the worst wins. @public */
export const HEALTH_STATES_WORST_FIRST: readonly HealthState[] = [
  'unhealthy',
  'degraded',
  'unknown',
  'healthy',
  'ready',
];

/** @public */
export function isHealthState(value: unknown): value is HealthState {
  return HEALTH_STATES_WORST_FIRST.includes(value as HealthState);
}
