export { KratixPage } from './KratixPage';
export type { KratixPageProps } from './KratixPage';
