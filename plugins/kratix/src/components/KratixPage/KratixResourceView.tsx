import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { ResourceRef } from '@kratix-backstage/plugin-kratix-common';
import { ResourceDetails } from '../EntityKratixContent/EntityKratixContent';
import { clusterSearch } from '../../hooks/useClusterChoice';

/**
 * One Resource on the Kratix page, for Resources no catalog entity names:
 * the same status, runs, logs and Reconcile as the entity tab.
 */
export const KratixResourceView = (props: {
  resourceRef: ResourceRef;
  pollIntervalMs?: number;
}) => (
  <>
    <Box mb={2}>
      <Link to={`..${clusterSearch(props.resourceRef.cluster)}`}>
        All Promises and Resources
      </Link>
    </Box>
    <ResourceDetails
      resourceRef={props.resourceRef}
      pollIntervalMs={props.pollIntervalMs}
    />
  </>
);
