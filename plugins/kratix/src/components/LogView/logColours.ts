// Log colours that pass WCAG AA: the log's own background and text per
// theme, and each ANSI colour made darker (light) or lighter (dark) until
// it reads on its background.
import {
  darken,
  getContrastRatio,
  lighten,
} from '@material-ui/core/styles/colorManipulator';
import {
  AA_CONTRAST,
  readableColour,
  readableText,
} from '../../lib/healthColours';
import { AnsiStyle } from './ansi';

export type ThemeType = 'light' | 'dark';

export const LOG_PALETTE: Record<
  ThemeType,
  { background: string; text: string }
> = {
  light: { background: '#f6f6f6', text: '#1f1f1f' },
  dark: { background: '#1b1b1b', text: '#e2e2e2' },
};

const cache = new Map<string, string>();

/** `colour`, or the nearest shade of it that passes AA on `background`. */
export function readableOn(
  colour: string,
  background: string,
  type: ThemeType,
): string {
  const key = `${colour}/${background}/${type}`;
  let found = cache.get(key);
  if (!found) {
    const lighter = getContrastRatio('#ffffff', background) > AA_CONTRAST;
    const shift = lighter ? lighten : darken;
    const steps = [0, 0.15, 0.3, 0.45, 0.6, 0.75].map(k => shift(colour, k));
    found = readableColour(steps, background);
    cache.set(key, found);
  }
  return found;
}

/** The CSS colours of a styled chunk in the given theme. */
export function chunkColours(
  style: AnsiStyle,
  type: ThemeType,
): { color?: string; backgroundColor?: string } {
  if (style.bg) {
    return {
      backgroundColor: style.bg,
      color: style.fg
        ? readableOn(style.fg, style.bg, type)
        : readableText(style.bg),
    };
  }
  if (!style.fg) return {};
  return { color: readableOn(style.fg, LOG_PALETTE[type].background, type) };
}
