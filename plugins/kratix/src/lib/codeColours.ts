import {
  darken,
  decomposeColor,
  lighten,
} from '@material-ui/core/styles/colorManipulator';
import { readableColour } from './healthColours';

/**
 * The backgrounds of CodeSnippet's highlighter styles (docco in the light
 * theme, dark in the dark one) and the text colours they use for YAML:
 * numbers, strings and comments; strings, keys and comments.
 */
export const HIGHLIGHTER = {
  light: { background: '#f8f8ff', colours: ['#40a070', '#219161', '#408080'] },
  dark: { background: '#444444', colours: ['#dd8888', '#777777'] },
};

/**
 * Matches the spans the highlighter paints `colour` inline. Commas are
 * escaped (\2c): JSS would split the selector at them.
 */
export function inlineColourSelector(colour: string): string {
  const [r, g, b] = decomposeColor(colour).values;
  return `& span[style*="color: rgb(${r}\\2c  ${g}\\2c  ${b})"]`;
}

/**
 * For each highlighter colour, one that passes WCAG AA on its background:
 * `preferred[colour]` or the colour itself, made darker (light theme) or
 * lighter (dark theme) until it reads.
 */
export function readableCodeColours(
  type: 'light' | 'dark',
  preferred: Record<string, string> = {},
): Record<string, string> {
  const { background, colours } = HIGHLIGHTER[type];
  const shift = type === 'dark' ? lighten : darken;
  return Object.fromEntries(
    colours.map(colour => {
      const base = preferred[colour] ?? colour;
      const steps = [0, 0.1, 0.2, 0.3, 0.4, 0.5].map(k => shift(base, k));
      return [colour, readableColour(steps, background)];
    }),
  );
}
