import { useEffect, useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { KratixLiveState } from '../../hooks';
import { errorMessage } from '../../lib/errors';
import { formatRelative } from '../../lib/status';

/** Re-renders every `ms`, so relative times and staleness move on. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** Some slack, so a poll that is merely under way does not read as stale. */
const GRACE = 1.5;

/** What the badge says: live, polling, stale or not updating. */
export function liveText(
  live: KratixLiveState,
  now: number,
): { text: string; title: string; problem: boolean } {
  const since =
    live.updatedAt !== undefined
      ? formatRelative(new Date(live.updatedAt), new Date(now))
      : undefined;
  if (live.error) {
    return {
      text: `Not updating${since ? ` · stale since ${since}` : ''}`,
      title: `The last re-read failed: ${errorMessage(live.error)}`,
      problem: true,
    };
  }
  const polls = live.pollIntervalMs > 0;
  if (
    polls &&
    since &&
    now - (live.updatedAt ?? now) > live.pollIntervalMs * GRACE
  ) {
    return {
      text: `Stale since ${since}`,
      title: 'No update has arrived for longer than a poll interval',
      problem: true,
    };
  }
  const ms = live.pollIntervalMs;
  const every = ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
  if (live.mode === 'signals') {
    return {
      text: 'Live',
      title: `Updates as soon as the status changes (signals), checked every ${every}`,
      problem: false,
    };
  }
  return {
    text: polls ? `Polling every ${every}` : 'Not refreshed',
    title: 'Signals are not available: the Resource is re-read regularly',
    problem: false,
  };
}

/** Tells truthfully whether the Resource on screen is being kept up to date. */
export const LiveBadge = (props: { live: KratixLiveState }) => {
  const { live } = props;
  const tick = live.pollIntervalMs > 0 ? live.pollIntervalMs / 2 : 5000;
  const now = useNow(Math.min(Math.max(tick, 50), 5000));
  const { text, title, problem } = liveText(live, now);
  return (
    <Typography
      variant="caption"
      color={problem ? 'error' : 'textSecondary'}
      title={title}
      role="status"
      aria-label={`Updates: ${text}`}
    >
      {text}
    </Typography>
  );
};
