import { Palette } from '@material-ui/core/styles/createPalette';
import { getContrastRatio } from '@material-ui/core/styles/colorManipulator';
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
