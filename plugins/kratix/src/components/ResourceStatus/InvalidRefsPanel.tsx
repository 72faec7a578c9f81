import { WarningPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { KRATIX_RESOURCE_REF_ANNOTATION } from '@kratix-backstage/plugin-kratix-common';

/** Names each part of the annotation that is not a Resource ref. */
export const InvalidRefsPanel = (props: {
  invalid: Array<{ value: string; message: string }>;
}) => {
  const { invalid } = props;
  if (invalid.length === 0) {
    return null;
  }
  const parts = invalid.map(i => `'${i.value}'`).join(', ');
  return (
    <WarningPanel
      severity="error"
      title={`The ${KRATIX_RESOURCE_REF_ANNOTATION} annotation has ${
        invalid.length === 1 ? 'a part' : `${invalid.length} parts`
      } that ${
        invalid.length === 1 ? 'is' : 'are'
      } not a Resource ref: ${parts}`}
    >
      {invalid.map(i => (
        <Typography key={i.value} variant="body2">
          {i.message}
        </Typography>
      ))}
    </WarningPanel>
  );
};
