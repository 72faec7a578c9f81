import { ReactNode, useState } from 'react';
import { StructuredMetadataTable } from '@backstage/core-components';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import Visibility from '@material-ui/icons/Visibility';
import VisibilityOff from '@material-ui/icons/VisibilityOff';
import { KratixStatus } from '@kratix-backstage/plugin-kratix-common';
import { SecretMasker } from '../../lib/secrets';
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

/** Makes every leaf printable, and hides values whose key is secret. */
function toDisplay(
  masker: SecretMasker,
  value: unknown,
  key?: string,
): unknown {
  if (Array.isArray(value)) {
    return value.map(v => toDisplay(masker, v, key));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        toDisplay(masker, v, k),
      ]),
    );
  }
  const text = value === null ? 'null' : String(value);
  if (key && value !== null && masker.isSecretKey(key)) {
    return (<SecretValue name={key} value={text} />) as ReactNode;
  }
  return text;
}

/**
 * The status keys written by pipelines (`connectionDetails`, `iam`, ...), as a
 * key/value tree. Engine-owned keys are left out.
 */
export const StatusKeys = (props: { status: KratixStatus | undefined }) => {
  const masker = useSecretMasker();
  const keys = pipelineStatusKeys(props.status);
  if (Object.keys(keys).length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        The pipelines have written no other status.
      </Typography>
    );
  }
  return (
    <StructuredMetadataTable
      metadata={toDisplay(masker, keys) as Record<string, unknown>}
      options={{ titleFormat: (key: string) => key }}
    />
  );
};
