export { kratixApiRef } from './KratixApi';
export type {
  KratixApi,
  ListResourcesOptions,
  ResourcePage,
} from './KratixApi';
export { KratixClient } from './KratixClient';
export { listAllResources, RESOURCE_PAGE_SIZE } from './listAllResources';
