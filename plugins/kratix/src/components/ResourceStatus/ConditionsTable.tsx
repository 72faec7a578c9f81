import Typography from '@material-ui/core/Typography';
import {
  ConditionTypes,
  KratixCondition,
} from '@kratix-backstage/plugin-kratix-common';
import { sortConditions } from '../../lib/status';
import { ConditionStatusIcon } from './ConditionStatusIcon';
import { RelativeTime } from './RelativeTime';
import { ResponsiveTable } from './ResponsiveTable';

const HEADERS = ['Condition', 'Status', 'Reason', 'Message', 'Changed'];

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
    <ResponsiveTable
      ariaLabel="Conditions"
      headers={HEADERS}
      nowrap={[1, 4]}
      rows={conditions.map(condition => ({
        key: condition.type,
        cells: [
          <>
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
          </>,
          <ConditionStatusIcon condition={condition} />,
          condition.reason,
          condition.message,
          condition.lastTransitionTime && (
            <RelativeTime value={condition.lastTransitionTime} />
          ),
        ],
      }))}
    />
  );
};
