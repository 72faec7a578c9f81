import { darkTheme, lightTheme } from '@backstage/theme';
import {
  decomposeColor,
  getContrastRatio,
} from '@material-ui/core/styles/colorManipulator';
import { HEALTH_STATES_WORST_FIRST } from '@kratix-backstage/plugin-kratix-common';
import {
  AA_CONTRAST,
  failureLineColours,
  healthChipColours,
} from './healthColours';

describe('health chip colours', () => {
  it.each([
    ['light', lightTheme],
    ['dark', darkTheme],
  ])('pass WCAG AA (4.5:1) in the %s theme', (_name, theme) => {
    for (const state of HEALTH_STATES_WORST_FIRST) {
      const { background, color } = healthChipColours(theme.palette, state);
      const ratio = getContrastRatio(color, background);
      expect({ state, ratio: ratio >= AA_CONTRAST }).toEqual({
        state,
        ratio: true,
      });
    }
  });

  it('the old white-on-green chip failed AA in the light theme', () => {
    // what the chip used before: white text on status.ok
    expect(
      getContrastRatio('#ffffff', lightTheme.palette.status.ok),
    ).toBeLessThan(AA_CONTRAST);
  });
});

describe('failure line colours', () => {
  it.each([
    ['light', lightTheme],
    ['dark', darkTheme],
  ])('a red title that passes WCAG AA in the %s theme', (_name, theme) => {
    const { background, color } = failureLineColours(theme.palette);
    expect(getContrastRatio(color, background)).toBeGreaterThanOrEqual(
      AA_CONTRAST,
    );
    const [r, g, b] = decomposeColor(color).values;
    expect(r).toBeGreaterThan(g);
    expect(r).toBeGreaterThan(b);
  });

  it('error.main, the title before, failed AA on the line in both themes', () => {
    for (const theme of [lightTheme, darkTheme]) {
      const { background } = failureLineColours(theme.palette);
      expect(
        getContrastRatio(theme.palette.error.main, background),
      ).toBeLessThan(AA_CONTRAST);
    }
  });
});
