export { default } from './plugin';
export { kratixApi } from './apis';
export { kratixStatusEntityCard } from './entityCard';
export { kratixEntityContent } from './entityContent';
export { kratixPage, kratixPageRouteRef } from './page';
export { kratixStatusColumn } from '../components/KratixStatusColumn';
