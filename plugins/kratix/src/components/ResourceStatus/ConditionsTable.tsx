import { Fragment, useState } from 'react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ConditionTypes,
  KratixCondition,
} from '@kratix-backstage/plugin-kratix-common';
import { sortConditions } from '../../lib/status';
import { ConditionStatusIcon } from './ConditionStatusIcon';
import { RelativeTime } from './RelativeTime';
import { ResponsiveTable } from './ResponsiveTable';

const HEADERS = ['Condition', 'Status', 'Reason', 'Message', 'Changed'];

/** Up to this many conditions all show; beyond, True ones collapse. */
const SHOW_ALL_UP_TO = 3;

const useStyles = makeStyles({
  // Break only between the words of a CamelCase name, never inside one.
  name: { overflowWrap: 'normal', wordBreak: 'keep-all', hyphens: 'none' },
});

/** `ConfigureWorkflowCompleted` with break points between its words only. */
export const ConditionName = (props: { type: string }) => {
  const classes = useStyles();
  const words = props.type.split(/(?<=[a-z0-9])(?=[A-Z])/);
  return (
    <span className={classes.name}>
      {words.map((word, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {word}
        </Fragment>
      ))}
    </span>
  );
};

/**
 * The Resource's conditions: False first, then Unknown, then True. With
 * many, the True ones wait behind "n more".
 */
export const ConditionsTable = (props: {
  conditions: KratixCondition[] | undefined;
}) => {
  const [expanded, setExpanded] = useState(false);
  const conditions = sortConditions(props.conditions);
  if (conditions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No conditions reported yet.
      </Typography>
    );
  }
  let shown = conditions;
  if (conditions.length > SHOW_ALL_UP_TO && !expanded) {
    const notTrue = conditions.filter(c => c.status !== 'True');
    // All True: the first (the workflow condition) still says so.
    shown = notTrue.length > 0 ? notTrue : conditions.slice(0, 1);
  }
  const hidden = conditions.length - shown.length;
  const collapsible =
    conditions.length > SHOW_ALL_UP_TO && shown.length < conditions.length;
  return (
    <>
      <ResponsiveTable
        ariaLabel="Conditions"
        headers={HEADERS}
        nowrap={[1, 4]}
        rows={shown.map(condition => ({
          key: condition.type,
          cells: [
            <>
              <ConditionName type={condition.type} />
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
            condition.reason && <ConditionName type={condition.reason} />,
            condition.message,
            condition.lastTransitionTime && (
              <RelativeTime value={condition.lastTransitionTime} />
            ),
          ],
        }))}
      />
      {(collapsible || expanded) && (
        <Button
          size="small"
          color="primary"
          aria-expanded={expanded}
          onClick={() => setExpanded(e => !e)}
        >
          {expanded ? 'Show fewer' : `${hidden} more`}
        </Button>
      )}
    </>
  );
};
