import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  ResourceRef,
  kratixResourceReadPermission,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { errorKind } from '../../lib/errors';

/**
 * Explains why a Resource (or its runs) could not be read: not found,
 * not permitted, or another error, with a Retry where trying again helps.
 */
export const ResourceErrorPanel = (props: {
  resourceRef: ResourceRef;
  error: Error;
  onRetry?: () => void;
  what?: string;
}) => {
  const { resourceRef, error, onRetry } = props;
  const what = props.what ?? 'Resource';
  const name = stringifyResourceRef(resourceRef);
  const retry = onRetry && (
    <Button variant="outlined" size="small" color="primary" onClick={onRetry}>
      Retry
    </Button>
  );

  switch (errorKind(error)) {
    case 'notFound':
      return (
        <Box>
          <Typography variant="body1" paragraph>
            Kratix has no Resource {name}. It may not have been requested yet,
            or it was deleted; check the entity's kratix.io/resource-ref
            annotation.
          </Typography>
          {retry}
        </Box>
      );
    case 'forbidden':
      return (
        <Typography variant="body1">
          You are not allowed to see the {what.toLowerCase()} of {name}. Ask
          your platform team for the {kratixResourceReadPermission.name}{' '}
          permission.
        </Typography>
      );
    default:
      return (
        <Box>
          <ResponseErrorPanel
            error={error}
            title={`Could not load the ${what.toLowerCase()} of ${name}`}
          />
          {retry && <Box mt={1}>{retry}</Box>}
        </Box>
      );
  }
};
