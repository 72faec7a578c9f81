import { getContrastRatio } from '@material-ui/core/styles/colorManipulator';
import { AA_CONTRAST } from './healthColours';
import {
  HIGHLIGHTER,
  inlineColourSelector,
  readableCodeColours,
} from './codeColours';

describe('readable code colours', () => {
  it.each(['light', 'dark'] as const)(
    'pass WCAG AA on the %s highlighter background',
    type => {
      const { background, colours } = HIGHLIGHTER[type];
      // axe found these below AA: numbers and strings (light), strings (dark)
      expect(
        colours.some(c => getContrastRatio(c, background) < AA_CONTRAST),
      ).toBe(true);
      for (const colour of Object.values(readableCodeColours(type))) {
        expect(getContrastRatio(colour, background)).toBeGreaterThanOrEqual(
          AA_CONTRAST,
        );
      }
    },
  );

  it('starts from a preferred colour (dark strings: not red)', () => {
    const { background } = HIGHLIGHTER.dark;
    const strings = readableCodeColours('dark', { '#dd8888': '#64b5f6' })[
      '#dd8888'
    ];
    // #64b5f6 itself is 4.39:1 on #444: a lighter blue
    expect(getContrastRatio('#64b5f6', background)).toBeLessThan(AA_CONTRAST);
    expect(getContrastRatio(strings, background)).toBeGreaterThanOrEqual(
      AA_CONTRAST,
    );
    expect(strings).toMatch(/^rgb\(\d+, \d+, 2\d\d\)$/);
  });

  it('selects the inline colour with escaped commas', () => {
    expect(inlineColourSelector('#dd8888')).toBe(
      '& span[style*="color: rgb(221\\2c  136\\2c  136)"]',
    );
  });
});
