import { CodeSnippet, CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';

/**
 * The highlighter's dark style paints strings and keys in #d88, a red that
 * reads as an error. It sets colours inline, so the override matches them.
 * Commas are escaped (\2c): JSS would split the selector at them.
 */
const HLJS_DARK_RED = 'color: rgb(221\\2c  136\\2c  136)';

const useStyles = makeStyles(theme => ({
  code:
    theme.palette.type === 'dark'
      ? {
          [`& span[style*="${HLJS_DARK_RED}"]`]: {
            color: `${theme.palette.info.light} !important`,
          },
        }
      : {},
}));

/**
 * The status as YAML. The copy button sits in its own row above the code,
 * so it never covers the text (on a phone the code fills the width).
 */
export const StatusYaml = (props: { text: string }) => {
  const classes = useStyles();
  return (
    <Box>
      <Box display="flex" justifyContent="flex-end" data-testid="yaml-toolbar">
        <CopyTextButton
          text={props.text}
          aria-label="Copy the status YAML"
          tooltipText="Status YAML copied"
        />
      </Box>
      <div className={classes.code} data-testid="status-yaml">
        <CodeSnippet language="yaml" text={props.text} />
      </div>
    </Box>
  );
};
