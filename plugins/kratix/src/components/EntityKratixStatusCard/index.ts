export { EntityKratixStatusCard } from './EntityKratixStatusCard';
export type { EntityKratixStatusCardProps } from './EntityKratixStatusCard';
