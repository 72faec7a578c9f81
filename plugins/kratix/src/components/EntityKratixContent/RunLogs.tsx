import { Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  ContainerLog,
  ResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { RefreshingAsyncState } from '../../hooks';
import { ResourceErrorPanel } from '../ResourceStatus';
import { LogView } from '../LogView';

/** Height of one container's log viewer. */
const LOG_HEIGHT = 360;

/**
 * The container logs of the selected run, one accessible LogView per
 * container (ANSI colours, search, line numbers, download), following the
 * newest line as the log grows.
 */
export const RunLogs = (props: {
  resourceRef: ResourceRef;
  runId?: string;
  logs: RefreshingAsyncState<ContainerLog[]>;
  /** Hides secrets in a log (the plugin's one masking rule). */
  mask?: (log: string) => string;
}) => {
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
      {items.map(item => {
        const text = item.log
          ? props.mask?.(item.log) ?? item.log
          : '(no output)';
        return (
          <Box key={`${item.pipeline}/${item.container}`} mb={2}>
            <Typography variant="subtitle2" component="h5">
              {item.pipeline} / {item.container}
            </Typography>
            <LogView
              text={text}
              label={`Logs of ${item.pipeline} / ${item.container}`}
              fileName={`${runId}-${item.pipeline}-${item.container}.log`}
              height={LOG_HEIGHT}
            />
            {item.truncated && (
              <Typography variant="caption" color="textSecondary">
                The log was cut at the size limit.
              </Typography>
            )}
          </Box>
        );
      })}
    </Box>
  );
};
