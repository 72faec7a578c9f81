import { CodeSnippet, CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';

/**
 * The status as YAML. The copy button sits in its own row above the code,
 * so it never covers the text (on a phone the code fills the width).
 */
export const StatusYaml = (props: { text: string }) => (
  <Box>
    <Box display="flex" justifyContent="flex-end" data-testid="yaml-toolbar">
      <CopyTextButton
        text={props.text}
        aria-label="Copy the status YAML"
        tooltipText="Status YAML copied"
      />
    </Box>
    <CodeSnippet language="yaml" text={props.text} />
  </Box>
);
