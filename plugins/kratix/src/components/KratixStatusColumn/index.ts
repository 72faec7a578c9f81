export { kratixStatusColumn } from './kratixStatusColumn';
