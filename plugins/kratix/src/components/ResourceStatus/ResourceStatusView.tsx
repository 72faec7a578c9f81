import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { KratixResource } from '@kratix-backstage/plugin-kratix-common';
import { ConditionsTable } from './ConditionsTable';
import { HealthSummary } from './HealthSummary';
import { StatusKeys } from './StatusKeys';
import { WorkflowSummary } from './WorkflowSummary';

const useStyles = makeStyles(theme => ({
  message: {
    fontWeight: theme.typography.fontWeightMedium as number,
    overflowWrap: 'anywhere',
  },
  heading: {
    marginTop: theme.spacing(2),
    marginBottom: theme.spacing(0.5),
  },
}));

/**
 * A Resource's status for people: the message first, then health, the
 * configure workflow, the conditions and what the pipelines wrote.
 */
export const ResourceStatusView = (props: { resource: KratixResource }) => {
  const classes = useStyles();
  const { status } = props.resource;
  return (
    <Box>
      <Typography variant="h6" component="p" className={classes.message}>
        {status?.message ?? 'No status reported yet'}
      </Typography>
      <Box mt={1}>
        <HealthSummary status={status} />
      </Box>
      <Box mt={1}>
        <WorkflowSummary status={status} />
      </Box>
      <Typography
        variant="subtitle2"
        component="h4"
        className={classes.heading}
      >
        Conditions
      </Typography>
      <ConditionsTable conditions={status?.conditions} />
      <Typography
        variant="subtitle2"
        component="h4"
        className={classes.heading}
      >
        Status from the pipelines
      </Typography>
      <StatusKeys status={status} />
    </Box>
  );
};
