import { formatRelative, toDate } from '../../lib/status';

/**
 * "5 minutes ago", with the exact time on hover. Accepts RFC 3339 strings and
 * unix seconds (health `lastRun`).
 */
export const RelativeTime = (props: {
  value: string | number | undefined;
  prefix?: string;
}) => {
  const date = props.value === undefined ? undefined : toDate(props.value);
  if (!date) {
    return null;
  }
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso.replace('.000Z', 'Z')}>
      {props.prefix}
      {formatRelative(date)}
    </time>
  );
};
