import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  ResourceRef,
  kratixResourceReconcilePermission,
  stringifyResourceRef,
} from '@kratix-backstage/plugin-kratix-common';
import { kratixApiRef } from '../../api';
import { errorKind, errorMessage } from '../../lib/errors';

/**
 * Asks for the Resource's configure workflow to run again. Shown only to
 * users allowed `kratix.resource.reconcile` on this Resource (a policy may
 * allow it for some Resources only, e.g. those the user requested).
 */
export const ReconcileButton = (props: {
  resourceRef: ResourceRef;
  onRequested?: () => void;
  /** The newest run: "Reconcile requested" clears once a new one starts. */
  latestRunId?: string;
}) => {
  const api = useApi(kratixApiRef);
  const { allowed } = usePermission({
    permission: kratixResourceReconcilePermission,
    resourceRef: stringifyResourceRef(props.resourceRef),
  });
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'busy' }
    | { kind: 'done'; runIdBefore?: string }
    | { kind: 'failed'; message: string }
  >({ kind: 'idle' });

  const { latestRunId } = props;
  useEffect(() => {
    setState(s =>
      s.kind === 'done' && latestRunId !== s.runIdBefore ? { kind: 'idle' } : s,
    );
  }, [latestRunId]);

  if (!allowed) {
    return null;
  }

  const onClick = async () => {
    setState({ kind: 'busy' });
    try {
      await api.reconcile(props.resourceRef);
      setState({ kind: 'done', runIdBefore: props.latestRunId });
      props.onRequested?.();
    } catch (e) {
      const name = stringifyResourceRef(props.resourceRef);
      setState({
        kind: 'failed',
        message:
          errorKind(e) === 'forbidden'
            ? `You are not allowed to reconcile ${name}: ${errorMessage(e)}`
            : `Could not request a reconcile: ${errorMessage(e)}`,
      });
    }
  };

  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
      {state.kind === 'done' && (
        <Typography variant="body2" color="textSecondary" role="status">
          Reconcile requested
        </Typography>
      )}
      {state.kind === 'failed' && (
        <Typography variant="body2" color="error" role="alert">
          {state.message}
        </Typography>
      )}
      <Button
        variant="outlined"
        color="primary"
        size="small"
        disabled={state.kind === 'busy'}
        onClick={onClick}
      >
        Reconcile now
      </Button>
    </Box>
  );
};
