import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from './StatusText';
import Box from '@material-ui/core/Box';
import CircularProgress from '@material-ui/core/CircularProgress';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import RadioButtonUncheckedIcon from '@material-ui/icons/RadioButtonUnchecked';
import {
  KratixStatus,
  PipelineStatus,
  findWorkflowCondition,
} from '@kratix-backstage/plugin-kratix-common';
import {
  reconcileError,
  workflowPipelines,
  workflowState,
} from '../../lib/status';
import { RelativeTime } from './RelativeTime';

const useStyles = makeStyles(theme => ({
  ok: { color: theme.palette.status.ok },
  error: { color: theme.palette.status.error },
  pending: { color: theme.palette.grey[500] },
  icon: { minWidth: theme.spacing(4) },
}));

const PhaseIcon = (props: { phase: PipelineStatus['phase'] }) => {
  const classes = useStyles();
  switch (props.phase) {
    case 'Succeeded':
      return <CheckCircleIcon fontSize="small" className={classes.ok} />;
    case 'Failed':
      return <ErrorIcon fontSize="small" className={classes.error} />;
    case 'Running':
      return <CircularProgress size={18} aria-label="Running" />;
    default:
      return (
        <RadioButtonUncheckedIcon
          fontSize="small"
          className={classes.pending}
        />
      );
  }
};

/** Each pipeline of the workflow with its phase, in run order. */
export const PipelineProgress = (props: {
  pipelines: PipelineStatus[];
  /** A failed workflow is not in progress: no bar. */
  failed?: boolean;
}) => {
  const classes = useStyles();
  const { pipelines, failed } = props;
  const done = pipelines.filter(p => p.phase === 'Succeeded').length;
  return (
    <Box>
      <Typography variant="body2" color="textSecondary">
        {done} of {pipelines.length} pipelines done
      </Typography>
      {!failed && (
        <LinearProgress
          variant="determinate"
          value={pipelines.length ? (100 * done) / pipelines.length : 0}
          aria-label="Workflow progress"
        />
      )}
      <List dense disablePadding aria-label="Pipelines">
        {pipelines.map(pipeline => (
          <ListItem key={pipeline.name} disableGutters>
            <ListItemIcon className={classes.icon}>
              <PhaseIcon phase={pipeline.phase} />
            </ListItemIcon>
            <ListItemText
              primary={`${pipeline.name}: ${pipeline.phase}`}
              secondary={
                <>
                  {pipeline.message}
                  {pipeline.message && pipeline.lastTransitionTime && ' · '}
                  <RelativeTime value={pipeline.lastTransitionTime} />
                </>
              }
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
};

/**
 * One line on the configure workflow (understanding the legacy
 * `PipelineCompleted` condition), or on the error that stopped the last
 * reconcile, and the pipelines' progress while it runs or after it failed.
 */
export const WorkflowSummary = (props: {
  status: KratixStatus | undefined;
}) => {
  const state = workflowState(props.status);
  const condition = findWorkflowCondition(props.status);
  const pipelines = workflowPipelines(props.status);
  const error = reconcileError(props.status);
  let line;
  switch (error ? 'error' : state) {
    case 'error':
      line = <StatusError>{error?.message ?? 'Reconcile failed'}</StatusError>;
      break;
    case 'running':
      line = <StatusRunning>Configure workflow running</StatusRunning>;
      break;
    case 'succeeded':
      line = <StatusOK>Configure workflow succeeded</StatusOK>;
      break;
    case 'failed':
      line = (
        <StatusError>
          Configure workflow failed
          {condition?.message ? `: ${condition.message}` : ''}
        </StatusError>
      );
      break;
    default:
      line = <StatusPending>No configure workflow has run yet</StatusPending>;
  }
  const showPipelines =
    pipelines.length > 0 && (state === 'running' || state === 'failed');
  return (
    <Box>
      <Typography variant="body2" component="div">
        {line}
      </Typography>
      {showPipelines && (
        <PipelineProgress pipelines={pipelines} failed={state === 'failed'} />
      )}
    </Box>
  );
};
