import { Fragment } from 'react';
import { Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  HEALTH_STATES_WORST_FIRST,
  HealthState,
  KratixPromise,
} from '@kratix-backstage/plugin-kratix-common';
import {
  PromisedResource,
  countBy,
  healthOf,
  promiseApi,
  promiseAvailability,
  resourceState,
  stateCountsText,
} from '../../lib/overview';
import { HealthChip, ResponsiveTable, useNarrow } from '../ResourceStatus';
import { StateIcon } from './StateIcon';

interface PromiseRow {
  id: string;
  name: string;
  api: string;
  apiVersions: string;
  availability: ReturnType<typeof promiseAvailability>;
  status: string;
  health: Partial<Record<HealthState | 'none', number>>;
  resources: string;
  total: number;
}

function toRows(
  promises: KratixPromise[],
  resources: PromisedResource[],
): PromiseRow[] {
  return promises.map(promise => {
    const name = promise.metadata.name;
    const own = resources.filter(r => r.promise === name).map(r => r.resource);
    const api = promiseApi(promise);
    const availability = promiseAvailability(promise);
    return {
      id: name,
      name,
      api: api?.kind ?? '—',
      apiVersions: api
        ? [api.group, api.versions.join(', ')].filter(Boolean).join('/')
        : '',
      availability,
      status:
        promise.status?.message ??
        (typeof promise.status?.status === 'string'
          ? promise.status.status
          : 'No status reported yet'),
      health: countBy(own, healthOf),
      resources: stateCountsText(countBy(own, resourceState)),
      total: own.length,
    };
  });
}

/** "3 (1 Failed, 2 Ready)", or "0". */
const resourcesText = (row: PromiseRow) =>
  row.total ? `${row.total} (${row.resources})` : '0';

/** "2 × Healthy, 1 × Degraded" as chips, worst first. */
const HealthCounts = (props: { counts: PromiseRow['health'] }) => {
  const states = HEALTH_STATES_WORST_FIRST.filter(s => props.counts[s]);
  if (states.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary" component="span">
        No HealthRecords
      </Typography>
    );
  }
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
      {states.map(state => (
        <Box key={state} display="inline-flex" alignItems="center">
          <Typography variant="body2" component="span">
            {props.counts[state]}&nbsp;×&nbsp;
          </Typography>
          <HealthChip state={state} />
        </Box>
      ))}
    </Box>
  );
};

/** The kind, and under it the group and versions (breaking at dots). */
const Api = (props: { row: PromiseRow }) => (
  <>
    <Typography variant="body2" component="div">
      {props.row.api}
    </Typography>
    {props.row.apiVersions && (
      <Typography variant="body2" color="textSecondary" component="div">
        {props.row.apiVersions.split(/(?<=[./])/).map((part, i) => (
          <Fragment key={i}>
            {part}
            <wbr />
          </Fragment>
        ))}
      </Typography>
    )}
  </>
);

const Status = (props: { row: PromiseRow }) => (
  <Typography variant="body2" component="span">
    <StateIcon state={props.row.availability}>{props.row.status}</StateIcon>
  </Typography>
);

const columns: TableColumn<PromiseRow>[] = [
  {
    title: 'Promise',
    field: 'name',
    highlight: true,
    defaultSort: 'asc',
  },
  { title: 'API', field: 'api', render: row => <Api row={row} /> },
  {
    title: 'Status',
    field: 'status',
    render: row => <Status row={row} />,
  },
  {
    title: 'Health',
    field: 'health',
    sorting: false,
    render: row => <HealthCounts counts={row.health} />,
  },
  {
    title: 'Resources',
    field: 'total',
    render: row => resourcesText(row),
  },
];

/** Each Promise: its API, status, its Resources' health and states. */
export const PromisesTable = (props: {
  promises: KratixPromise[];
  resources: PromisedResource[];
}) => {
  const narrow = useNarrow();
  const rows = toRows(props.promises, props.resources);
  if (narrow) {
    return (
      <>
        <Typography variant="h5" component="h2" gutterBottom>
          Promises ({rows.length})
        </Typography>
        <ResponsiveTable
          ariaLabel="Promises"
          headers={columns.map(c => String(c.title))}
          rows={rows.map(row => ({
            key: row.id,
            cells: [
              row.name,
              <Api row={row} />,
              <Status row={row} />,
              <HealthCounts counts={row.health} />,
              resourcesText(row),
            ],
          }))}
        />
      </>
    );
  }
  return (
    <Table<PromiseRow>
      title={`Promises (${rows.length})`}
      columns={columns}
      data={rows}
      options={{
        paging: rows.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
        // No drag handles: they nest a focusable in each sort button.
        draggable: false,
      }}
    />
  );
};
