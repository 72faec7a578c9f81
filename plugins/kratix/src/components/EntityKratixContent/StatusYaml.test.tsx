import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { mockBreakpoint } from '@backstage/test-utils';
import { StatusYaml } from './StatusYaml';

describe('StatusYaml', () => {
  const original = window.matchMedia;
  afterEach(() => {
    window.matchMedia = original;
  });

  it('does not paint YAML strings red in the dark theme', async () => {
    // prefers-color-scheme: dark
    mockBreakpoint({ matches: true });
    await renderInTestApp(<StatusYaml text={'message: "all good"\n'} />);
    expect(document.body).toHaveAttribute('data-theme-mode', 'dark');
    const yaml = screen.getByTestId('status-yaml');
    await waitFor(() =>
      expect(yaml.querySelector('span[style*="color"]')).not.toBeNull(),
    );
    const red = yaml.querySelector<HTMLElement>(
      'span[style*="color: rgb(221, 136, 136)"]',
    )!;
    expect(red).toHaveTextContent('"all good"');
    // jsdom does not weigh !important against inline styles; browsers do
    // (CSS cascade), so check that an !important colour rule matches it.
    const rules = [...document.styleSheets].flatMap(sheet => [
      ...sheet.cssRules,
    ]) as CSSStyleRule[];
    const override = rules.find(
      rule =>
        rule.selectorText &&
        red.matches(rule.selectorText) &&
        rule.style.getPropertyPriority('color') === 'important',
    );
    expect(override).toBeDefined();
    expect(override!.style.color).not.toMatch(/221, 136, 136|#d88/i);
  });
});
