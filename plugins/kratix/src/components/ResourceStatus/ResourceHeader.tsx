import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  KratixResource,
  PAUSED_LABEL,
  ResourceRef,
  isPaused,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { ReactNode } from 'react';
import { StatusPending, StatusWarning } from './StatusText';
import { KratixLiveState } from '../../hooks';
import { LiveBadge } from './LiveBadge';
import { RelativeTime } from './RelativeTime';

/**
 * `promise/namespace/name`, the kind, whether it is paused or being
 * deleted, and how it is kept live.
 */
export const ResourceHeader = (props: {
  resourceRef: ResourceRef;
  resource?: KratixResource;
  live?: KratixLiveState;
  actions?: ReactNode;
}) => {
  const { resourceRef, resource, live, actions } = props;
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" style={{ gap: 8 }}>
      <Typography variant="subtitle1" component="h3">
        {stringifyResourceRef(resourceRef)}
      </Typography>
      {resource && (
        <Typography variant="body2" color="textSecondary" component="span">
          {resource.kind}
          {resource.metadata.generation !== undefined &&
            ` · generation ${resource.metadata.generation}`}
        </Typography>
      )}
      {resource?.metadata.deletionTimestamp && (
        <Typography variant="body2" component="span">
          <StatusPending>
            Deleting, requested{' '}
            <RelativeTime value={resource.metadata.deletionTimestamp} />
          </StatusPending>
        </Typography>
      )}
      {isPaused(resource?.metadata.labels) && (
        <Typography
          variant="body2"
          component="span"
          title={`Label ${PAUSED_LABEL}: "true"; no workflow runs until it is removed`}
        >
          <StatusWarning>Paused</StatusWarning>
        </Typography>
      )}
      {live && <LiveBadge live={live} />}
      <Box flexGrow={1} />
      {actions}
    </Box>
  );
};
