import { Link, Table, TableColumn } from '@backstage/core-components';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  DEFAULT_NAMESPACE,
  HealthState,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import {
  PromisedResource,
  RESOURCE_STATES,
  RESOURCE_STATE_LABELS,
  ResourceState,
  healthOf,
  resourceState,
  unmetConditions,
} from '../../lib/overview';
import { HealthChip, ResponsiveTable, useNarrow } from '../ResourceStatus';
import { StateIcon } from './StateIcon';
import { clusterSearch } from '../../hooks/useClusterChoice';

interface ResourceRow {
  id: string;
  cluster?: string;
  promise: string;
  namespace: string;
  name: string;
  state: ResourceState;
  stateLabel: string;
  message: string;
  health: HealthState | 'none';
  unmet: string;
  entity?: CompoundEntityRef;
}

/** Where a Resource's own view is, relative to the Kratix page. */
export function resourceViewPath(row: {
  cluster?: string;
  promise: string;
  namespace: string;
  name: string;
}): string {
  const segment = encodeURIComponent;
  return `resources/${segment(row.promise)}/${segment(row.namespace)}/${segment(
    row.name,
  )}${clusterSearch(row.cluster)}`;
}

function toRows(
  resources: PromisedResource[],
  entities: Map<string, CompoundEntityRef>,
  cluster?: string,
): ResourceRow[] {
  return resources.map(({ promise, resource }) => {
    const namespace = resource.metadata.namespace ?? DEFAULT_NAMESPACE;
    const name = resource.metadata.name;
    // With a cluster named, only refs that name it too are this Resource.
    const key = stringifyResourceRef({ cluster, promise, namespace, name });
    const state = resourceState(resource);
    return {
      id: key,
      cluster,
      promise,
      namespace,
      name,
      state,
      stateLabel: RESOURCE_STATE_LABELS[state],
      message: resource.status?.message ?? 'No status reported yet',
      health: healthOf(resource),
      unmet: unmetConditions(resource).join(', '),
      entity: entities.get(key),
    };
  });
}

/** The catalog entity when one names the Resource, else its own view. */
const NameLink = (props: { row: ResourceRow }) => {
  const { row } = props;
  if (row.entity) {
    return (
      <EntityRefLink
        entityRef={row.entity}
        title={row.name}
        aria-label={`${row.name}, in the catalog as ${row.entity.name}`}
      />
    );
  }
  return <Link to={resourceViewPath(row)}>{row.name}</Link>;
};

const State = (props: { row: ResourceRow }) => (
  <Typography variant="body2" component="span">
    <StateIcon state={props.row.state}>{props.row.stateLabel}</StateIcon>
  </Typography>
);

const Health = (props: { row: ResourceRow }) =>
  props.row.health === 'none' ? (
    <Typography variant="body2" color="textSecondary" component="span">
      —
    </Typography>
  ) : (
    <HealthChip state={props.row.health} />
  );

/** One condition a line; a condition's name never breaks. */
const Unmet = (props: { row: ResourceRow }) => (
  <>
    {props.row.unmet
      .split(', ')
      .filter(Boolean)
      .map(condition => (
        <Typography
          key={condition}
          variant="body2"
          component="div"
          style={{ whiteSpace: 'nowrap' }}
        >
          {condition}
        </Typography>
      ))}
  </>
);

const stateRank = (row: ResourceRow) => RESOURCE_STATES.indexOf(row.state);

const columns: TableColumn<ResourceRow>[] = [
  {
    title: 'Resource',
    field: 'name',
    highlight: true,
    render: row => <NameLink row={row} />,
  },
  { title: 'Promise', field: 'promise' },
  { title: 'Namespace', field: 'namespace' },
  {
    title: 'State',
    field: 'stateLabel',
    customSort: (a, b) => stateRank(a) - stateRank(b),
    render: row => <State row={row} />,
  },
  {
    title: 'Message',
    field: 'message',
    cellStyle: { overflowWrap: 'anywhere' },
  },
  { title: 'Health', field: 'health', render: row => <Health row={row} /> },
  {
    title: 'Conditions not True',
    field: 'unmet',
    render: row => <Unmet row={row} />,
  },
];

/**
 * The Resources across Promises: sortable by every column, searchable;
 * each links to its catalog entity, or to its view on the Kratix page.
 */
export const ResourcesTable = (props: {
  resources: PromisedResource[];
  entities: Map<string, CompoundEntityRef>;
  title: string;
  /** The cluster they are on, when named: links keep it. */
  cluster?: string;
}) => {
  const narrow = useNarrow();
  const rows = toRows(props.resources, props.entities, props.cluster);
  if (narrow) {
    return (
      <>
        <Typography variant="h5" component="h2" gutterBottom>
          {props.title}
        </Typography>
        <ResponsiveTable
          ariaLabel="Resources"
          headers={columns.map(c => String(c.title))}
          rows={rows.map(row => ({
            key: row.id,
            cells: [
              <NameLink row={row} />,
              row.promise,
              row.namespace,
              <State row={row} />,
              row.message,
              row.health === 'none' ? undefined : <Health row={row} />,
              row.unmet && <Unmet row={row} />,
            ],
          }))}
        />
      </>
    );
  }
  return (
    <Table<ResourceRow>
      title={props.title}
      columns={columns}
      data={rows}
      options={{
        paging: rows.length > 20,
        pageSize: 20,
        padding: 'dense',
        // No drag handles: they nest a focusable in each sort button.
        draggable: false,
      }}
      emptyContent={
        <Typography style={{ padding: 16 }}>
          No Resource matches the filters.
        </Typography>
      }
    />
  );
};
