import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '../ResourceStatus/StatusText';
import { PipelinePhase } from '@kratix-backstage/plugin-kratix-common';

/** A phase with its status icon. */
export const PhaseStatus = (props: { phase: PipelinePhase }) => {
  switch (props.phase) {
    case 'Succeeded':
      return <StatusOK>Succeeded</StatusOK>;
    case 'Failed':
      return <StatusError>Failed</StatusError>;
    case 'Running':
      return <StatusRunning>Running</StatusRunning>;
    default:
      return <StatusPending>{props.phase ?? 'Pending'}</StatusPending>;
  }
};
