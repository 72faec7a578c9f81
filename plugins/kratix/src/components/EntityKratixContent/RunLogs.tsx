import { Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ContainerLog,
  ResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { RefreshingAsyncState } from '../../hooks';
import { ResourceErrorPanel } from '../ResourceStatus';

const useStyles = makeStyles(theme => ({
  log: {
    margin: 0,
    padding: theme.spacing(1.5),
    maxHeight: 400,
    overflow: 'auto',
    background: theme.palette.type === 'dark' ? '#111' : '#f5f5f5',
    borderRadius: theme.shape.borderRadius,
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
}));

/** The container logs of the selected run, one block per container. */
export const RunLogs = (props: {
  resourceRef: ResourceRef;
  runId?: string;
  logs: RefreshingAsyncState<ContainerLog[]>;
  /** Hides secrets in a log (the plugin's one masking rule). */
  mask?: (log: string) => string;
}) => {
  const classes = useStyles();
  const { resourceRef, runId, logs } = props;
  if (!runId) {
    return (
      <Typography variant="body2" color="textSecondary">
        Select a run to see its logs.
      </Typography>
    );
  }
  if (logs.loading) {
    return <Progress />;
  }
  if (logs.error) {
    return (
      <ResourceErrorPanel
        resourceRef={resourceRef}
        error={logs.error}
        onRetry={logs.retry}
        what="logs"
      />
    );
  }
  const items = logs.value ?? [];
  if (items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Run {runId} has no logs yet.
      </Typography>
    );
  }
  return (
    <Box>
      {items.map(item => (
        <Box key={`${item.pipeline}/${item.container}`} mb={2}>
          <Typography variant="subtitle2" component="h5">
            {item.pipeline} / {item.container}
          </Typography>
          <pre
            className={classes.log}
            aria-label={`Logs of ${item.pipeline} / ${item.container}`}
          >
            {item.log ? props.mask?.(item.log) ?? item.log : '(no output)'}
          </pre>
          {item.truncated && (
            <Typography variant="caption" color="textSecondary">
              The log was cut at the size limit.
            </Typography>
          )}
        </Box>
      ))}
    </Box>
  );
};
