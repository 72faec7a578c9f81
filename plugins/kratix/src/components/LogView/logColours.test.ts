import { getContrastRatio } from '@material-ui/core/styles/colorManipulator';
import { colour256 } from './ansi';
import { LOG_PALETTE, chunkColours } from './logColours';

describe('chunkColours', () => {
  const all = Array.from({ length: 256 }, (_, n) => colour256(n)!);

  it.each(['light', 'dark'] as const)(
    'keeps every ANSI colour readable (AA) on the %s log',
    type => {
      const { background, text } = LOG_PALETTE[type];
      expect(getContrastRatio(text, background)).toBeGreaterThanOrEqual(7);
      for (const fg of all) {
        const { color } = chunkColours({ fg }, type);
        expect([fg, getContrastRatio(color!, background) >= 4.5]).toEqual([
          fg,
          true,
        ]);
      }
      for (const bg of all) {
        const c = chunkColours({ fg: '#0dbc79', bg }, type);
        expect([bg, getContrastRatio(c.color!, bg) >= 4.5]).toEqual([bg, true]);
      }
    },
  );

  it('keeps a colour that already reads, and its hue when it must change', () => {
    expect(chunkColours({ fg: '#cd3131' }, 'light').color).toBe(
      'rgb(205, 49, 49)',
    );
    const green = chunkColours({ fg: '#0dbc79' }, 'light').color!;
    const [r, g, b] = green.match(/\d+/g)!.map(Number);
    expect(g).toBeGreaterThan(Math.max(r, b));
    expect(chunkColours({}, 'dark')).toEqual({});
  });
});
