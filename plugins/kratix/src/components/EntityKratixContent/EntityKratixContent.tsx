import { useEffect, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { MissingAnnotationEmptyState } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  KRATIX_RESOURCE_REF_ANNOTATION,
  ResourceRef,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { stringify } from 'yaml';
import {
  useKratixResource,
  useKratixRunLogs,
  useKratixRuns,
} from '../../hooks';
import { useEntityResourceRefs } from '../../hooks/useEntityResourceRefs';
import { useSecretMasker } from '../../lib/useSecretMasker';
import {
  InvalidRefsPanel,
  ResourceErrorPanel,
  ResourceHeader,
  ResourceStatusView,
} from '../ResourceStatus';
import { ReconcileButton } from './ReconcileButton';
import { RunHistory } from './RunHistory';
import { RunLogs } from './RunLogs';
import { StatusYaml } from './StatusYaml';

/** @public */
export interface EntityKratixContentProps {
  /** Polling interval when signals are not available. Default 10 s. */
  pollIntervalMs?: number;
  /** How often the logs of a running run are re-read. Default 2 s. */
  logFollowIntervalMs?: number;
}

const DEFAULT_LOG_FOLLOW_MS = 2000;

/** Ticks every `intervalMs` while `active`: re-reads a running run's logs. */
function useFollow(active: boolean, intervalMs: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active || intervalMs <= 0) return undefined;
    const timer = setInterval(() => setTick(t => t + 1), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return tick;
}

/** One Resource: status, status YAML, runs and logs, with Reconcile. */
export const ResourceDetails = (props: {
  resourceRef: ResourceRef;
  pollIntervalMs?: number;
  logFollowIntervalMs?: number;
}) => {
  const { resourceRef, pollIntervalMs } = props;
  const masker = useSecretMasker();
  const { resource, loading, error, retry, liveState, refreshKey, refresh } =
    useKratixResource(resourceRef, { pollIntervalMs });
  const runs = useKratixRuns(resourceRef, refreshKey);
  const [chosenRunId, setChosenRunId] = useState<string>();
  // Follow the newest run until the user picks one.
  const selectedRunId = chosenRunId ?? runs.value?.[0]?.id;
  // Logs grow while a run runs; status signals come only between pipelines.
  const running =
    runs.value?.find(r => r.id === selectedRunId)?.phase === 'Running';
  const follow = useFollow(
    running,
    props.logFollowIntervalMs ?? DEFAULT_LOG_FOLLOW_MS,
  );
  const logs = useKratixRunLogs(
    resourceRef,
    selectedRunId,
    refreshKey + follow,
  );

  const header = (
    <ResourceHeader
      resourceRef={resourceRef}
      resource={resource}
      live={resource ? liveState : undefined}
      actions={
        resource && (
          <ReconcileButton
            resourceRef={resourceRef}
            onRequested={refresh}
            latestRunId={runs.value?.[0]?.id}
          />
        )
      }
    />
  );

  if (loading || error || !resource) {
    return (
      <InfoCard title={header}>
        {error ? (
          <ResourceErrorPanel
            resourceRef={resourceRef}
            error={error}
            onRetry={retry}
          />
        ) : (
          <Progress />
        )}
      </InfoCard>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} xl={6}>
        <InfoCard title={header}>
          <ResourceStatusView resource={resource} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} xl={6}>
        <InfoCard title="Status (YAML)">
          <StatusYaml
            text={stringify(masker.maskValue(resource.status ?? {}))}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Workflow runs">
          <RunHistory
            resourceRef={resourceRef}
            runs={runs}
            selectedRunId={selectedRunId}
            onSelectRun={setChosenRunId}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title={selectedRunId ? `Logs of run ${selectedRunId}` : 'Logs'}
        >
          <RunLogs
            resourceRef={resourceRef}
            runId={selectedRunId}
            logs={logs}
            mask={log =>
              masker.maskLog(log, masker.secretValues(resource.status))
            }
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
};

/**
 * Entity tab: every Resource the entity names, with its full status (YAML),
 * workflow run history, the logs of a run, and *Reconcile now*. Live.
 *
 * @public
 */
export const EntityKratixContent = (props: EntityKratixContentProps) => {
  const { available, refs, invalid } = useEntityResourceRefs();
  if (!available) {
    return (
      <MissingAnnotationEmptyState
        annotation={KRATIX_RESOURCE_REF_ANNOTATION}
      />
    );
  }
  return (
    <Box>
      <InvalidRefsPanel invalid={invalid} />
      {refs.length === 0 && invalid.length === 0 && (
        <Typography>The entity names no Kratix Resource.</Typography>
      )}
      {refs.map(ref => (
        <Box key={stringifyResourceRef(ref)} mb={4}>
          <ResourceDetails
            resourceRef={ref}
            pollIntervalMs={props.pollIntervalMs}
            logFollowIntervalMs={props.logFollowIntervalMs}
          />
        </Box>
      ))}
    </Box>
  );
};
