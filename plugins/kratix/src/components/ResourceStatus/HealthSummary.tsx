import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Collapse from '@material-ui/core/Collapse';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  HealthState,
  KratixStatus,
} from '@kratix-backstage/plugin-kratix-common';
import { stringify } from 'yaml';
import { latestRun, resourceHealth } from '../../lib/status';
import { useSecretMasker } from '../../lib/useSecretMasker';
import { RelativeTime } from './RelativeTime';

const useStyles = makeStyles(theme => ({
  chip: {
    fontWeight: theme.typography.fontWeightBold as number,
    color: theme.palette.common.white,
  },
  ready: { backgroundColor: theme.palette.status.ok },
  healthy: { backgroundColor: theme.palette.status.ok },
  degraded: {
    backgroundColor: theme.palette.status.warning,
    color: theme.palette.common.black,
  },
  unhealthy: { backgroundColor: theme.palette.status.error },
  unknown: { backgroundColor: theme.palette.grey[500] },
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

/** A coloured chip for a health state. */
export const HealthChip = (props: { state: HealthState }) => {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={LABELS[props.state] ?? props.state}
      aria-label={`Health: ${LABELS[props.state] ?? props.state}`}
      className={`${classes.chip} ${classes[props.state] ?? classes.unknown}`}
    />
  );
};

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
  const health = resourceHealth(props.status);
  if (!health) {
    return (
      <Typography variant="body2" color="textSecondary">
        No health checks reported.
      </Typography>
    );
  }
  const lastRun = latestRun(health.records);
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
        <HealthChip state={health.state} />
        {lastRun !== undefined && (
          <Typography variant="body2" color="textSecondary" component="span">
            checked <RelativeTime value={lastRun} />
          </Typography>
        )}
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
              {health.records.length > 1 && <HealthChip state={record.state} />}
              {record.lastRun !== undefined && health.records.length > 1 && (
                <Typography variant="caption" color="textSecondary">
                  <RelativeTime value={record.lastRun} />
                </Typography>
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
