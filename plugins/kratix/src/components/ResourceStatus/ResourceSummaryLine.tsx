import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from './StatusText';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { KratixResource } from '@kratix-backstage/plugin-kratix-common';
import {
  reconcileError,
  resourceHealth,
  workflowState,
} from '../../lib/status';
import { HealthChip } from './HealthSummary';

const StateIcon = (props: { resource: KratixResource }) => {
  const { status } = props.resource;
  const message = status?.message ?? 'No status reported yet';
  if (reconcileError(status)) return <StatusError>{message}</StatusError>;
  switch (workflowState(status)) {
    case 'failed':
      return <StatusError>{message}</StatusError>;
    case 'running':
      return <StatusRunning>{message}</StatusRunning>;
    case 'succeeded':
      return <StatusOK>{message}</StatusOK>;
    default:
      return <StatusPending>{message}</StatusPending>;
  }
};

/**
 * One line for a Resource when the entity has several: its state and
 * message, its health, and a button that opens the details.
 */
export const ResourceSummaryLine = (props: {
  resource: KratixResource;
  name: string;
  expanded: boolean;
  onToggle: () => void;
}) => {
  const { resource, name, expanded, onToggle } = props;
  const health = resourceHealth(resource.status);
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
      <Typography variant="body2" component="span">
        <StateIcon resource={resource} />
      </Typography>
      {health && <HealthChip state={health.state} />}
      <Box flexGrow={1} />
      <Button
        size="small"
        color="primary"
        aria-expanded={expanded}
        aria-label={`${expanded ? 'Hide' : 'Show'} the details of ${name}`}
        onClick={onToggle}
      >
        {/* The visible text is part of the name (WCAG 2.5.3). */}
        {expanded ? 'Hide the details' : 'Details'}
      </Button>
    </Box>
  );
};
