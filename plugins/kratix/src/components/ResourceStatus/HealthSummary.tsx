import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Collapse from '@material-ui/core/Collapse';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { StatusWarning } from './StatusText';
import {
  HealthState,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import { stringify } from 'yaml';
import { latestRun, resourceHealth } from '../../lib/status';
import { healthChipColours } from '../../lib/healthColours';
import { useHealthStaleAfterMs } from '../../lib/useHealthStaleAfter';
import { useSecretMasker } from '../../lib/useSecretMasker';
import { RelativeTime } from './RelativeTime';

const useStyles = makeStyles(theme => ({
  chip: {
    fontWeight: theme.typography.fontWeightBold as number,
  },
  details: {
    margin: theme.spacing(1, 0, 0),
    padding: theme.spacing(1),
    background: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
}));

const LABELS: Record<HealthState, string> = {
  ready: 'Ready',
  healthy: 'Healthy',
  degraded: 'Degraded',
  unhealthy: 'Unhealthy',
  unknown: 'Unknown',
};

/** A coloured chip for a health state; its text passes WCAG AA. */
export const HealthChip = (props: { state: HealthState; stale?: boolean }) => {
  const classes = useStyles();
  const theme = useTheme();
  const label = LABELS[props.state] ?? props.state;
  const colours = healthChipColours(
    theme.palette,
    LABELS[props.state] ? props.state : 'unknown',
  );
  return (
    <Chip
      size="small"
      label={label}
      aria-label={`Health: ${label}${props.stale ? ' (stale)' : ''}`}
      className={classes.chip}
      style={{ backgroundColor: colours.background, color: colours.color }}
    />
  );
};

/** "10 minutes", "1 hour", "30 seconds". */
function thresholdText(ms: number): string {
  const plural = (size: number, unit: string) =>
    `${size} ${unit}${size === 1 ? '' : 's'}`;
  if (ms >= 3600_000 && ms % 3600_000 === 0) {
    return plural(ms / 3600_000, 'hour');
  }
  if (ms >= 60_000) {
    return plural(Math.round(ms / 60_000), 'minute');
  }
  return plural(Math.round(ms / 1000), 'second');
}

/** "stale", with the threshold on hover, when a check is too old. */
const StaleMark = (props: { staleAfterMs: number }) => (
  <Typography
    variant="body2"
    component="span"
    title={`Not checked for longer than ${thresholdText(
      props.staleAfterMs,
    )} (kratix.frontend.healthStaleAfter)`}
  >
    <StatusWarning>stale</StatusWarning>
  </Typography>
);

/** True when a check (unix seconds) is older than `staleAfterMs`. */
export function isStale(
  lastRun: number | undefined,
  staleAfterMs: number,
  now: number = Date.now(),
): boolean {
  return lastRun !== undefined && now - lastRun * 1000 > staleAfterMs;
}

function detailsText(details: unknown): string {
  if (typeof details === 'string') {
    return details;
  }
  return stringify(details).trimEnd();
}

/**
 * The health from `status.healthStatus` (else `status.healthRecord`): state
 * chip, when it was last checked, and the records' details on demand.
 */
export const HealthSummary = (props: { status: KratixStatus | undefined }) => {
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const masker = useSecretMasker();
  const staleAfterMs = useHealthStaleAfterMs();
  const health = resourceHealth(props.status);
  if (!health) {
    return (
      <Typography variant="body2" color="textSecondary">
        No health checks reported.
      </Typography>
    );
  }
  const lastRun = latestRun(health.records);
  const stale = isStale(lastRun, staleAfterMs);
  const withDetails = health.records.filter(
    r => r.details !== undefined && r.details !== null,
  );
  return (
    <Box>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <Typography variant="body2" component="span">
          Health
        </Typography>
        <HealthChip state={health.state} stale={stale} />
        {lastRun !== undefined && (
          <Typography variant="body2" color="textSecondary" component="span">
            checked <RelativeTime value={lastRun} />
          </Typography>
        )}
        {stale && <StaleMark staleAfterMs={staleAfterMs} />}
        {(withDetails.length > 0 || health.records.length > 1) && (
          <Button size="small" color="primary" onClick={() => setOpen(o => !o)}>
            {open ? 'Hide health details' : 'Show health details'}
          </Button>
        )}
      </Box>
      <Collapse in={open} unmountOnExit>
        {health.records.map((record, index) => (
          <Box key={index} mt={1}>
            <Box display="flex" alignItems="center" style={{ gap: 8 }}>
              {record.source && (
                <Typography variant="body2" component="span">
                  {record.source.namespace}/{record.source.name}
                </Typography>
              )}
              {health.records.length > 1 && (
                <HealthChip
                  state={record.state}
                  stale={isStale(record.lastRun, staleAfterMs)}
                />
              )}
              {record.lastRun !== undefined && health.records.length > 1 && (
                <Typography variant="caption" color="textSecondary">
                  <RelativeTime value={record.lastRun} />
                </Typography>
              )}
              {health.records.length > 1 &&
                isStale(record.lastRun, staleAfterMs) && (
                  <StaleMark staleAfterMs={staleAfterMs} />
                )}
            </Box>
            {record.details !== undefined && record.details !== null && (
              <pre className={classes.details}>
                {detailsText(masker.maskValue(record.details))}
              </pre>
            )}
          </Box>
        ))}
      </Collapse>
    </Box>
  );
};
