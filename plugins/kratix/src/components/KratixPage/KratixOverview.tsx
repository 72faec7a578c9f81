import { useMemo, useState } from 'react';
import { Progress, WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { DEFAULT_NAMESPACE } from '@kratix-backstage/plugin-kratix-common';
import { useKratixOverview } from '../../hooks/useKratixOverview';
import { useResourceEntities } from '../../hooks/useResourceEntities';
import { errorMessage } from '../../lib/errors';
import {
  ResourceFilter,
  conditionLabels,
  distinct,
  filterResources,
  healthOf,
} from '../../lib/overview';
import { PromisesTable } from './PromisesTable';
import { ResourceFilters } from './ResourceFilters';
import { ResourcesTable } from './ResourcesTable';

/** The Promises, then the Resources across them with filters. */
export const KratixOverview = (props: {
  cluster?: string;
  pollIntervalMs: number;
}) => {
  const overview = useKratixOverview(props);
  const entities = useResourceEntities();
  const [filter, setFilter] = useState<ResourceFilter>({});
  const resources = overview.value?.resources;
  const options = useMemo(() => {
    const all = resources ?? [];
    return {
      promise: distinct([
        (overview.value?.promises ?? []).map(p => p.metadata.name),
      ]),
      namespace: distinct([
        all.map(r => r.resource.metadata.namespace ?? DEFAULT_NAMESPACE),
      ]),
      condition: distinct(all.map(r => conditionLabels(r.resource))),
      health: distinct([all.map(r => healthOf(r.resource))]),
    };
  }, [overview.value?.promises, resources]);

  if (overview.loading) return <Progress />;
  if (overview.error || !overview.value) {
    return (
      <WarningPanel
        severity="error"
        title="Could not read the Kratix Promises"
        message={errorMessage(overview.error)}
      >
        <Button variant="outlined" onClick={overview.retry}>
          Try again
        </Button>
      </WarningPanel>
    );
  }
  const { promises, failures } = overview.value;
  const shown = filterResources(resources ?? [], filter);
  return (
    <>
      {overview.refreshError && (
        <Box mb={2}>
          <WarningPanel
            title="Not updated: the last reload failed"
            message={errorMessage(overview.refreshError)}
          />
        </Box>
      )}
      {failures.map(({ promise, error }) => (
        <Box mb={2} key={promise}>
          <WarningPanel
            title={`Could not list the Resources of Promise '${promise}'`}
            message={errorMessage(error)}
          />
        </Box>
      ))}
      <Box mb={4}>
        {promises.length === 0 ? (
          <Typography>No Promise is installed.</Typography>
        ) : (
          <PromisesTable promises={promises} resources={resources ?? []} />
        )}
      </Box>
      <Box mb={2}>
        <ResourceFilters
          value={filter}
          options={options}
          onChange={setFilter}
        />
      </Box>
      <ResourcesTable
        resources={shown}
        entities={entities}
        cluster={props.cluster}
        title={`Resources (${shown.length}${
          shown.length === resources?.length ? '' : ` of ${resources?.length}`
        })`}
      />
    </>
  );
};
