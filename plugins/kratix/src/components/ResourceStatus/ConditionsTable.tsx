import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  ConditionTypes,
  KratixCondition,
} from '@kratix-backstage/plugin-kratix-common';
import { sortConditions } from '../../lib/status';
import { ConditionStatusIcon } from './ConditionStatusIcon';
import { RelativeTime } from './RelativeTime';

/** The Resource's conditions, workflow condition first. */
export const ConditionsTable = (props: {
  conditions: KratixCondition[] | undefined;
}) => {
  const conditions = sortConditions(props.conditions);
  if (conditions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No conditions reported yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Conditions">
      <TableHead>
        <TableRow>
          <TableCell>Condition</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Reason</TableCell>
          <TableCell>Message</TableCell>
          <TableCell>Changed</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {conditions.map(condition => (
          <TableRow key={condition.type}>
            <TableCell>
              {condition.type}
              {condition.type === ConditionTypes.PipelineCompleted && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  reported by an older Kratix
                </Typography>
              )}
            </TableCell>
            <TableCell style={{ whiteSpace: 'nowrap' }}>
              <ConditionStatusIcon condition={condition} />
            </TableCell>
            <TableCell>{condition.reason}</TableCell>
            <TableCell>{condition.message}</TableCell>
            <TableCell style={{ whiteSpace: 'nowrap' }}>
              <RelativeTime value={condition.lastTransitionTime} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};
