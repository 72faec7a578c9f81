import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { StatusWarning } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import {
  KRATIX_RESOURCE_REF_ANNOTATION,
  parseResourceRefsTolerant,
} from '@kratix-backstage/plugin-kratix-common';
import { kratixApiRef } from '../../api';
import { errorKind } from '../../lib/errors';
import {
  RESOURCE_STATES,
  ResourceState,
  countBy,
  resourceState,
  stateCountsText,
} from '../../lib/overview';
import { StateIcon } from '../KratixPage/StateIcon';

/** What a Resource's read came to: its state, or why it has none. */
type Outcome = ResourceState | 'missing' | 'forbidden' | 'unreachable';

const PROBLEMS: Record<string, string> = {
  missing: 'not found',
  forbidden: 'not allowed',
  unreachable: 'unreachable',
};

function outcomeOf(error: unknown): Outcome {
  const kind = errorKind(error);
  if (kind === 'notFound' || kind === 'unknownPromise') return 'missing';
  return kind === 'forbidden' ? 'forbidden' : 'unreachable';
}

/** The Kratix state of an entity's Resources, in a few words. */
export const KratixStatusCell = (props: { entity: Entity }) => {
  const api = useApi(kratixApiRef);
  const value =
    props.entity.metadata.annotations?.[KRATIX_RESOURCE_REF_ANNOTATION] ?? '';
  const [outcomes, setOutcomes] = useState<Outcome[]>();
  useEffect(() => {
    let cancelled = false;
    const { refs } = parseResourceRefsTolerant(value);
    Promise.all(
      refs.map(ref => api.getResource(ref).then(resourceState, outcomeOf)),
    ).then(result => !cancelled && setOutcomes(result));
    return () => {
      cancelled = true;
    };
  }, [api, value]);

  if (!value.trim()) return null;
  const invalid = parseResourceRefsTolerant(value).invalid.length;
  if (!outcomes) {
    return (
      <Typography variant="body2" color="textSecondary" component="span">
        Loading…
      </Typography>
    );
  }
  const states = outcomes.filter((o): o is ResourceState =>
    RESOURCE_STATES.includes(o as ResourceState),
  );
  const problems = Object.entries(
    countBy(
      outcomes.filter(o => PROBLEMS[o]),
      o => o,
    ),
  ).map(([o, n]) => `${n} ${PROBLEMS[o]}`);
  if (invalid) problems.push(`${invalid} invalid ref${invalid > 1 ? 's' : ''}`);
  const worst = RESOURCE_STATES.find(s => states.includes(s));
  const text = [
    ...(states.length ? [stateCountsText(countBy(states, s => s))] : []),
    ...problems,
  ].join(', ');
  let icon = <StateIcon state="ready">{text}</StateIcon>;
  if (worst && worst !== 'ready') {
    icon = <StateIcon state={worst}>{text}</StateIcon>;
  } else if (problems.length) {
    icon = <StatusWarning>{text}</StatusWarning>;
  }
  return (
    <Typography variant="body2" component="span">
      {icon}
    </Typography>
  );
};
