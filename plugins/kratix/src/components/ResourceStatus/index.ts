export { ResourceStatusView } from './ResourceStatusView';
export { ResourceErrorPanel } from './ResourceErrorPanel';
export { ResourceHeader } from './ResourceHeader';
export { HealthChip, HealthSummary } from './HealthSummary';
export { ConditionsTable } from './ConditionsTable';
export { PipelineProgress, WorkflowSummary } from './WorkflowSummary';
export { StatusKeys } from './StatusKeys';
export { RelativeTime } from './RelativeTime';
