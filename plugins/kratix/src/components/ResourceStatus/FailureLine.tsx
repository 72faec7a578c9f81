import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  KratixStatus,
  ResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { useKratixRunLogs, useKratixRuns } from '../../hooks';
import { failureLineColours } from '../../lib/healthColours';
import { workflowPipelines } from '../../lib/status';
import { useSecretMasker } from '../../lib/useSecretMasker';

/** How many lines of the failed pipeline's log the card shows. */
const LOG_LINES = 5;

const useStyles = makeStyles(theme => ({
  root: {
    borderLeft: `4px solid ${theme.palette.error.main}`,
    padding: theme.spacing(1, 1.5),
    marginBottom: theme.spacing(1),
    background: failureLineColours(theme.palette).background,
  },
  // A red that passes WCAG AA on the line's background.
  title: { color: failureLineColours(theme.palette).color, fontWeight: 600 },
  log: {
    margin: theme.spacing(0.5, 0),
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
}));

/** The last `count` non-empty lines of a log. */
export function lastLines(log: string, count: number = LOG_LINES): string[] {
  return log
    .split(/\r?\n/)
    .filter(line => line.trim() !== '')
    .slice(-count);
}

/** The entity's Kratix tab: its route when bound, else relative. */
function useKratixTabLink(): string {
  const { entity } = useEntity();
  const entityRoute = useRouteRef(entityRouteRef);
  return entityRoute
    ? `${entityRoute(entityRouteParams(entity))}/kratix`
    : 'kratix';
}

/**
 * The red line a failed Resource opens with: which pipeline failed, its exit
 * code and the last lines of its log (from the runs API), and where to see
 * more.
 */
export const FailureLine = (props: {
  resourceRef: ResourceRef;
  status: KratixStatus | undefined;
  refreshKey: number;
}) => {
  const classes = useStyles();
  const { resourceRef, status, refreshKey } = props;
  const runs = useKratixRuns(resourceRef, refreshKey);
  const run = runs.value?.find(r => r.phase === 'Failed');
  const logs = useKratixRunLogs(resourceRef, run?.id, refreshKey);
  const tab = useKratixTabLink();

  const pipeline =
    run?.pipelines.find(p => p.phase === 'Failed') ??
    workflowPipelines(status).find(p => p.phase === 'Failed');
  const exitCode = run?.pipelines.find(
    p => p.name === pipeline?.name,
  )?.exitCode;
  const log = logs.value?.find(l => l.pipeline === pipeline?.name)?.log;
  const masker = useSecretMasker();
  const lines = log
    ? lastLines(masker.maskLog(log, masker.secretValues(status)))
    : [];

  let title = pipeline
    ? `Pipeline ${pipeline.name} failed`
    : 'The configure workflow failed';
  if (exitCode !== undefined && exitCode !== null) {
    title += ` with exit code ${exitCode}`;
  }
  return (
    <Box role="alert" aria-label="Workflow failure" className={classes.root}>
      <Typography variant="body2" className={classes.title}>
        {title}
      </Typography>
      {lines.length > 0 && (
        <pre
          className={classes.log}
          aria-label={`Last lines of ${pipeline?.name}`}
        >
          {lines.join('\n')}
        </pre>
      )}
      <Typography variant="body2">
        <Link to={tab}>See the runs and full logs in the Kratix tab</Link>
      </Typography>
    </Box>
  );
};
