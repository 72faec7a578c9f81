import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { ReactNode } from 'react';
import { ResourceState } from '../../lib/overview';

/** Backstage's status icon for a state, with `children` as its text. */
export const StateIcon = (props: {
  state: ResourceState | 'available' | 'unavailable';
  children: ReactNode;
}) => {
  switch (props.state) {
    case 'ready':
    case 'available':
      return <StatusOK>{props.children}</StatusOK>;
    case 'failed':
      return <StatusError>{props.children}</StatusError>;
    case 'unavailable':
      return <StatusWarning>{props.children}</StatusWarning>;
    case 'running':
      return <StatusRunning>{props.children}</StatusRunning>;
    default:
      return <StatusPending>{props.children}</StatusPending>;
  }
};
