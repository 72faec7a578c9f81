import { formatRelative, toDate } from '../../lib/status';

/** The exact time in the user's locale and time zone, zone named. */
export function exactTime(date: Date): string {
  return date.toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'long',
  });
}

/**
 * "5 minutes ago", with the exact time on hover (the user's time zone).
 * Accepts RFC 3339 strings and unix seconds (health `lastRun`).
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
    <time dateTime={iso} title={exactTime(date)}>
      {props.prefix}
      {formatRelative(date)}
    </time>
  );
};
