import { CodeSnippet, CopyTextButton } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import {
  inlineColourSelector,
  readableCodeColours,
} from '../../lib/codeColours';

/**
 * The highlighter sets its colours inline, some below WCAG AA (and its dark
 * style paints strings in #d88, a red that reads as an error): !important
 * rules replace them with readable ones, strings in the theme's blue.
 */
const useStyles = makeStyles(theme => ({
  code: Object.fromEntries(
    Object.entries(
      readableCodeColours(theme.palette.type, {
        '#dd8888': theme.palette.info.light,
      }),
    ).map(([from, to]) => [
      inlineColourSelector(from),
      { color: `${to} !important` },
    ]),
  ),
}));

/**
 * The status as YAML. The copy button sits in its own row above the code,
 * so it never covers the text (on a phone the code fills the width), and
 * long lines wrap.
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
        {/* Wrapped, never scrolled sideways: a phone reads it whole, and
            no scrolling region needs a keyboard focus. */}
        <CodeSnippet
          language="yaml"
          text={props.text}
          wrapLongLines
          customStyle={{ overflowWrap: 'anywhere' }}
        />
      </div>
    </Box>
  );
};
