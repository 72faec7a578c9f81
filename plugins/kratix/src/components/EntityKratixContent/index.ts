export { EntityKratixContent } from './EntityKratixContent';
export type { EntityKratixContentProps } from './EntityKratixContent';
