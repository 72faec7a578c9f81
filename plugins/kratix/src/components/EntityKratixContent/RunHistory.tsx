import { Progress } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  ResourceRef,
  WorkflowRun,
} from '@kratix-backstage/plugin-kratix-common';
import { RefreshingAsyncState } from '../../hooks';
import { formatDuration } from '../../lib/status';
import {
  DisplayRow,
  RelativeTime,
  ResourceErrorPanel,
  ResponsiveTable,
} from '../ResourceStatus';
import { PhaseStatus } from './PhaseStatus';
import { generationWords, triggerWords } from './runWords';

const HEADERS = [
  'Run / pipeline',
  'Trigger',
  'Generation',
  'Phase',
  'Started',
  'Duration',
  'Exit code',
  'Message',
  'Logs',
];

/**
 * The Resource's workflow runs, newest first, each with what triggered it,
 * its generation and its pipelines' phase, duration and exit code. Selecting a run shows its logs.
 */
export const RunHistory = (props: {
  resourceRef: ResourceRef;
  runs: RefreshingAsyncState<WorkflowRun[]>;
  selectedRunId?: string;
  onSelectRun: (runId: string) => void;
}) => {
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
  const rows: DisplayRow[] = items.flatMap(run => {
    const selected = run.id === selectedRunId;
    const runRow: DisplayRow = {
      key: run.id,
      selected,
      cells: [
        <>
          {run.type} {run.action}
          <Typography variant="caption" color="textSecondary" component="div">
            {run.id}
          </Typography>
        </>,
        triggerWords(run.trigger),
        generationWords(run.generation),
        <PhaseStatus phase={run.phase} />,
        run.startedAt && <RelativeTime value={run.startedAt} />,
        formatDuration(run.startedAt, run.finishedAt),
        undefined,
        undefined,
        selected ? (
          // Not a disabled button: full contrast, and it says what it is.
          <Typography
            variant="body2"
            component="span"
            aria-label={`Logs of run ${run.id} are shown below`}
          >
            Logs shown
          </Typography>
        ) : (
          <Button
            size="small"
            color="primary"
            aria-label={`Show logs of run ${run.id}`}
            onClick={() => onSelectRun(run.id)}
          >
            Show logs
          </Button>
        ),
      ],
    };
    const pipelineRows: DisplayRow[] = run.pipelines.map(pipeline => ({
      key: `${run.id}/${pipeline.name}`,
      sub: true,
      cells: [
        pipeline.name,
        undefined,
        undefined,
        <PhaseStatus phase={pipeline.phase} />,
        pipeline.startedAt && <RelativeTime value={pipeline.startedAt} />,
        formatDuration(pipeline.startedAt, pipeline.finishedAt),
        pipeline.exitCode !== undefined && pipeline.exitCode !== null
          ? String(pipeline.exitCode)
          : undefined,
        pipeline.message,
        undefined,
      ],
    }));
    return [runRow, ...pipelineRows];
  });
  return (
    <ResponsiveTable
      ariaLabel="Workflow runs"
      headers={HEADERS}
      nowrap={[1, 2, 3, 4, 5, 6]}
      rows={rows}
    />
  );
};
