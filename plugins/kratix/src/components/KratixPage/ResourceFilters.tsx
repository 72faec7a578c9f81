import Box from '@material-ui/core/Box';
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

/** One select per filter; "Any" clears it. Wraps on narrow screens. */
export const ResourceFilters = (props: {
  value: ResourceFilter;
  options: FilterOptions;
  onChange: (value: ResourceFilter) => void;
}) => (
  <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
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
  </Box>
);
