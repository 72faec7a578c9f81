export { kratixApiRef } from './KratixApi';
export type { KratixApi } from './KratixApi';
export { KratixClient } from './KratixClient';
