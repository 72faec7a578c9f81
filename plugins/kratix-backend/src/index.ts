export { kratixPlugin as default } from './plugin';
