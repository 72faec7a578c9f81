import Paper from '@material-ui/core/Paper';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { ResourceFilter } from '../../lib/overview';

const HEALTH_LABELS: Record<string, string> = {
  none: 'No HealthRecord',
  ready: 'Ready',
  healthy: 'Healthy',
  degraded: 'Degraded',
  unhealthy: 'Unhealthy',
  unknown: 'Unknown',
};

/** The options of each filter, from the Resources listed. */
export interface FilterOptions {
  promise: string[];
  namespace: string[];
  condition: string[];
  health: string[];
}

const FIELDS: Array<{ key: keyof ResourceFilter; label: string }> = [
  { key: 'promise', label: 'Promise' },
  { key: 'namespace', label: 'Namespace' },
  { key: 'condition', label: 'Condition' },
  { key: 'health', label: 'Health' },
];

/**
 * One select per filter; "Any" clears it. Wraps on narrow screens. On a
 * Paper: the labels' grey is too light on the page's own background.
 */
export const ResourceFilters = (props: {
  value: ResourceFilter;
  options: FilterOptions;
  onChange: (value: ResourceFilter) => void;
}) => (
  <Paper
    component="section"
    aria-label="Filters"
    style={{ display: 'flex', flexWrap: 'wrap', gap: 16, padding: 16 }}
  >
    {FIELDS.map(({ key, label }) => (
      <TextField
        key={key}
        select
        id={`kratix-filter-${key}`}
        label={label}
        variant="outlined"
        size="small"
        style={{ minWidth: 160, flex: '1 1 160px' }}
        value={props.value[key] ?? ''}
        InputLabelProps={{ shrink: true }}
        SelectProps={{ displayEmpty: true }}
        onChange={e =>
          props.onChange({ ...props.value, [key]: e.target.value || undefined })
        }
      >
        <MenuItem value="">Any</MenuItem>
        {props.options[key].map(option => (
          <MenuItem key={option} value={option}>
            {key === 'health' ? HEALTH_LABELS[option] ?? option : option}
          </MenuItem>
        ))}
      </TextField>
    ))}
  </Paper>
);
