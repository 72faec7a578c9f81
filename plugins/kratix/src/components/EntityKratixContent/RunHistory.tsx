import { Fragment } from 'react';
import { Progress } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ResourceRef,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';
import { RefreshingAsyncState } from '../../hooks';
import { formatDuration } from '../../lib/status';
import { RelativeTime, ResourceErrorPanel } from '../ResourceStatus';
import { PhaseStatus } from './PhaseStatus';

const useStyles = makeStyles(theme => ({
  runRow: {
    '& > td': { fontWeight: theme.typography.fontWeightMedium as number },
  },
  selected: {
    backgroundColor: theme.palette.action.selected,
  },
  pipelineName: {
    paddingLeft: theme.spacing(4),
  },
}));

/**
 * The Resource's workflow runs, newest first, each with its pipelines'
 * phase, duration and exit code. Selecting a run shows its logs.
 */
export const RunHistory = (props: {
  resourceRef: ResourceRef;
  runs: RefreshingAsyncState<WorkflowRun[]>;
  selectedRunId?: string;
  onSelectRun: (runId: string) => void;
}) => {
  const classes = useStyles();
  const { runs, selectedRunId, onSelectRun, resourceRef } = props;
  if (runs.loading) {
    return <Progress />;
  }
  if (runs.error) {
    return (
      <ResourceErrorPanel
        resourceRef={resourceRef}
        error={runs.error}
        onRetry={runs.retry}
        what="workflow runs"
      />
    );
  }
  const items = runs.value ?? [];
  if (items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No workflow has run for this Resource yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Workflow runs">
      <TableHead>
        <TableRow>
          <TableCell>Run / pipeline</TableCell>
          <TableCell>Phase</TableCell>
          <TableCell>Started</TableCell>
          <TableCell>Duration</TableCell>
          <TableCell>Exit code</TableCell>
          <TableCell>Message</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(run => {
          const selected = run.id === selectedRunId;
          return (
            <Fragment key={run.id}>
              <TableRow
                className={`${classes.runRow} ${
                  selected ? classes.selected : ''
                }`}
                selected={selected}
              >
                <TableCell>
                  {run.type} {run.action} · generation {run.generation}
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {run.id}
                  </Typography>
                </TableCell>
                <TableCell>
                  <PhaseStatus phase={run.phase} />
                </TableCell>
                <TableCell>
                  <RelativeTime value={run.startedAt} />
                </TableCell>
                <TableCell>
                  {formatDuration(run.startedAt, run.finishedAt)}
                </TableCell>
                <TableCell />
                <TableCell />
                <TableCell align="right">
                  <Button
                    size="small"
                    color="primary"
                    disabled={selected}
                    aria-label={`Show logs of run ${run.id}`}
                    onClick={() => onSelectRun(run.id)}
                  >
                    {selected ? 'Logs shown' : 'Show logs'}
                  </Button>
                </TableCell>
              </TableRow>
              {run.pipelines.map(pipeline => (
                <TableRow key={`${run.id}/${pipeline.name}`}>
                  <TableCell className={classes.pipelineName}>
                    {pipeline.name}
                  </TableCell>
                  <TableCell>
                    <PhaseStatus phase={pipeline.phase} />
                  </TableCell>
                  <TableCell>
                    <RelativeTime value={pipeline.startedAt} />
                  </TableCell>
                  <TableCell>
                    {formatDuration(pipeline.startedAt, pipeline.finishedAt)}
                  </TableCell>
                  <TableCell>
                    {pipeline.exitCode !== undefined &&
                    pipeline.exitCode !== null
                      ? `exit ${pipeline.exitCode}`
                      : ''}
                  </TableCell>
                  <TableCell>{pipeline.message}</TableCell>
                  <TableCell />
                </TableRow>
              ))}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
};
