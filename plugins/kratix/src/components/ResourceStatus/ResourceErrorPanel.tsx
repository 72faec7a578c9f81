import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  KRATIX_RESOURCE_REF_ANNOTATION,
  ResourceRef,
  kratixResourceReadPermission,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { errorKind, errorMessage, errorStatus } from '../../lib/errors';

/**
 * Explains why a Resource (or its runs) could not be read, one sentence per
 * cause: the Resource or its Promise does not exist, not permitted, the
 * backend failed, the backend could not be reached, or another error; with
 * a Retry where trying again helps.
 */
export const ResourceErrorPanel = (props: {
  resourceRef: ResourceRef;
  error: Error;
  onRetry?: () => void;
  what?: string;
}) => {
  const { resourceRef, error, onRetry } = props;
  const what = (props.what ?? 'Resource').toLowerCase();
  const name = stringifyResourceRef(resourceRef);
  const retry = onRetry && (
    <Button variant="outlined" size="small" color="primary" onClick={onRetry}>
      Retry
    </Button>
  );
  const sentence = (text: string) => (
    <Box>
      <Typography variant="body1" paragraph>
        {text}
      </Typography>
      {retry}
    </Box>
  );

  switch (errorKind(error)) {
    case 'notFound':
      return sentence(
        `Kratix has no Resource ${name}. It may not have been requested yet, or it was deleted; check the entity's ${KRATIX_RESOURCE_REF_ANNOTATION} annotation.`,
      );
    case 'unknownPromise':
      return sentence(
        `Kratix has no Promise ${resourceRef.promise}, so there is no Resource ${name}. The Promise may not be installed (yet), or the ${KRATIX_RESOURCE_REF_ANNOTATION} annotation names the wrong one.`,
      );
    case 'forbidden':
      return (
        <Typography variant="body1">
          You are not allowed to see the {what} of {name}. Ask your platform
          team for the {kratixResourceReadPermission.name} permission.
        </Typography>
      );
    case 'server':
      return sentence(
        `The Kratix backend failed while reading the ${what} of ${name} (HTTP ${errorStatus(
          error,
        )}): ${errorMessage(
          error,
        )}. Retry in a moment; if it persists, tell your platform team.`,
      );
    case 'network':
      return sentence(
        `Could not reach the Kratix backend to read the ${what} of ${name}: the network or the backend is down (${errorMessage(
          error,
        )}).`,
      );
    default:
      return (
        <Box>
          <ResponseErrorPanel
            error={error}
            title={`Could not load the ${what} of ${name}`}
          />
          {retry && <Box mt={1}>{retry}</Box>}
        </Box>
      );
  }
};
