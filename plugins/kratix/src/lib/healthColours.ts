import { Palette } from '@material-ui/core/styles/createPalette';
import {
  darken,
  getContrastRatio,
  lighten,
} from '@material-ui/core/styles/colorManipulator';
import { HealthState } from '@kratix-backstage/plugin-kratix-common';

/** WCAG AA for normal text. */
export const AA_CONTRAST = 4.5;

const BLACK = '#000000';
const WHITE = '#ffffff';

/** Black or white, whichever reads better on `background` (always >= 4.5:1). */
export function readableText(background: string): string {
  return getContrastRatio(BLACK, background) >=
    getContrastRatio(WHITE, background)
    ? BLACK
    : WHITE;
}

/** The chip colours of a health state, from the theme's status palette. */
export function healthChipColours(
  palette: Palette,
  state: HealthState,
): { background: string; color: string } {
  const background = {
    ready: palette.status.ok,
    healthy: palette.status.ok,
    degraded: palette.status.warning,
    unhealthy: palette.status.error,
    unknown: palette.grey[500],
  }[state];
  return { background, color: readableText(background) };
}

/** The first of `colours` that passes AA on `background`, else black or white. */
export function readableColour(colours: string[], background: string): string {
  return (
    colours.find(c => getContrastRatio(c, background) >= AA_CONTRAST) ??
    readableText(background)
  );
}

/** The failure line's background and its red title, passing AA. */
export function failureLineColours(palette: Palette): {
  background: string;
  color: string;
} {
  const dark = palette.type === 'dark';
  const background = dark ? palette.background.default : palette.grey[100];
  // The theme's red, else the same red lighter (dark) or darker (light).
  const shift = dark ? lighten : darken;
  const reds = [0, 0.2, 0.3, 0.4].map(k => shift(palette.error.main, k));
  return { background, color: readableColour(reds, background) };
}
