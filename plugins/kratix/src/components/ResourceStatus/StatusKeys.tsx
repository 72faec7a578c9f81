import { useState } from 'react';
import { Link, StructuredMetadataTable } from '@backstage/core-components';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Visibility from '@material-ui/icons/Visibility';
import VisibilityOff from '@material-ui/icons/VisibilityOff';
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { pipelineStatusKeys } from '../../lib/status';
import { useSecretMasker } from '../../lib/useSecretMasker';

const SecretValue = (props: { name: string; value: string }) => {
  const [shown, setShown] = useState(false);
  return (
    <Typography variant="body2" component="span">
      {shown ? props.value : '••••••••'}
      <IconButton
        size="small"
        aria-label={shown ? `Hide ${props.name}` : `Show ${props.name}`}
        onClick={() => setShown(s => !s)}
      >
        {shown ? (
          <VisibilityOff fontSize="small" />
        ) : (
          <Visibility fontSize="small" />
        )}
      </IconButton>
    </Typography>
  );
};

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: { display: 'block', overflowWrap: 'anywhere' },
  // A key never wraps inside itself.
  key: { whiteSpace: 'nowrap' },
  nested: { paddingLeft: theme.spacing(2) },
  table: { '& td:first-child': { whiteSpace: 'nowrap' } },
}));

const URL_RE = /^https?:\/\/\S+$/;

/** A leaf: `null` as null, URLs as links, secrets masked. */
const Leaf = (props: { name?: string; value: unknown }) => {
  const masker = useSecretMasker();
  const { name, value } = props;
  const text = value === null ? 'null' : String(value);
  if (name && value !== null && masker.isSecretKey(name)) {
    return <SecretValue name={name} value={text} />;
  }
  if (typeof value === 'string' && URL_RE.test(value)) {
    return <Link to={value}>{value}</Link>;
  }
  return <>{text}</>;
};

/** A value of any shape: objects and arrays as nested lists. */
export const StatusValue = (props: { name?: string; value: unknown }) => {
  const classes = useStyles();
  const { name, value } = props;
  if (Array.isArray(value)) {
    return (
      <ul className={classes.list}>
        {value.map((v, i) => (
          <li key={i} className={classes.item}>
            <StatusValue name={name} value={v} />
          </li>
        ))}
      </ul>
    );
  }
  if (value !== null && typeof value === 'object') {
    return (
      <ul className={classes.list}>
        {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
          <li key={k} className={classes.item}>
            <span className={classes.key}>{k}:</span>{' '}
            {v !== null && typeof v === 'object' ? (
              <div className={classes.nested}>
                <StatusValue name={k} value={v} />
              </div>
            ) : (
              <Leaf name={k} value={v} />
            )}
          </li>
        ))}
      </ul>
    );
  }
  return <Leaf name={name} value={value} />;
};

/**
 * The status keys written by pipelines (`connectionDetails`, `iam`, ...), as a
 * key/value tree. Engine-owned keys are left out.
 */
export const StatusKeys = (props: { status: KratixStatus | undefined }) => {
  const classes = useStyles();
  const keys = pipelineStatusKeys(props.status);
  if (Object.keys(keys).length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        The pipelines have written no other status.
      </Typography>
    );
  }
  const metadata = Object.fromEntries(
    Object.entries(keys).map(([k, v]) => [
      k,
      <Typography variant="body2" component="div">
        <StatusValue name={k} value={v} />
      </Typography>,
    ]),
  );
  return (
    <div className={classes.table}>
      <StructuredMetadataTable
        metadata={metadata}
        options={{ titleFormat: (key: string) => key }}
      />
    </div>
  );
};
