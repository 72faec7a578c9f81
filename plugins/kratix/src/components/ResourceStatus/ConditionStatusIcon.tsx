import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from './StatusText';
import {
  ConditionReasons,
  KratixCondition,
  isWorkflowConditionType,
} from '@kratix-backstage/plugin-kratix-common';

const IN_PROGRESS: readonly string[] = [
  ConditionReasons.PipelinesInProgress,
  ConditionReasons.PipelineNotCompleted,
];

/** The status icon of a condition, followed by its status word. */
export const ConditionStatusIcon = (props: { condition: KratixCondition }) => {
  const { condition } = props;
  if (condition.status === 'True') {
    return <StatusOK>True</StatusOK>;
  }
  if (
    condition.status === 'False' &&
    isWorkflowConditionType(condition.type) &&
    condition.reason &&
    IN_PROGRESS.includes(condition.reason)
  ) {
    return <StatusRunning>False</StatusRunning>;
  }
  if (condition.status === 'False') {
    return <StatusError>False</StatusError>;
  }
  return <StatusPending>{condition.status ?? 'Unknown'}</StatusPending>;
};
