import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';

/** The cluster the page reads, when the backend has several. */
export const ClusterPicker = (props: {
  value?: string;
  choices: string[];
  onChange: (cluster: string) => void;
}) => (
  <Paper
    component="section"
    aria-label="Cluster"
    style={{ display: 'flex', padding: 16, marginBottom: 16 }}
  >
    <TextField
      select
      id="kratix-cluster"
      label="Cluster"
      variant="outlined"
      size="small"
      style={{ minWidth: 200, flex: '0 1 320px' }}
      value={props.value ?? ''}
      InputLabelProps={{ shrink: true }}
      onChange={e => props.onChange(e.target.value)}
    >
      {props.choices.map(name => (
        <MenuItem key={name} value={name}>
          {name}
        </MenuItem>
      ))}
    </TextField>
  </Paper>
);
