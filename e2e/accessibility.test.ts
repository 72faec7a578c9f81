import AxeBuilder from '@axe-core/playwright';
import { Locator, Page, expect, test } from '@playwright/test';
import {
  DESKTOP,
  MOBILE,
  ThemeId,
  expectTheme,
  kratixCard,
  kratixTabLink,
  openAs,
} from './kratixViews';

// axe on the Kratix card and tab, logs included, in both themes, on a
// desktop and a phone: no serious or critical violation (contrast of the
// health chips, status texts and ANSI-coloured log lines included).

/** The serious and critical violations axe finds inside `scope`. */
async function seriousViolations(page: Page, scope: Locator) {
  await scope.evaluate(el => el.setAttribute('data-axe-scope', ''));
  const results = await new AxeBuilder({ page })
    .include('[data-axe-scope]')
    .analyze();
  await scope.evaluate(el => el.removeAttribute('data-axe-scope'));
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({
      rule: v.id,
      help: v.help,
      nodes: v.nodes.map(n => `${n.html}: ${n.failureSummary}`),
    }));
}

const VIEWPORTS = { desktop: DESKTOP, mobile: MOBILE };

for (const theme of ['light', 'dark'] as ThemeId[]) {
  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    test.describe(`${theme} theme, ${device}`, () => {
      test.use({ viewport });

      test(`the card and the tab have no serious accessibility violation (${theme}, ${device})`, async ({
        page,
      }) => {
        // A healthy Resource with its health chip.
        await openAs(page, '/catalog/default/component/search-service', theme);
        await expectTheme(page, theme);
        let card = kratixCard(page);
        await expect(card.getByLabel(/^Health: Healthy/)).toBeVisible();
        expect(await seriousViolations(page, card)).toEqual([]);

        // A failed and a healthy Resource, both opened.
        await page.goto('/catalog/default/component/orders-service');
        card = kratixCard(page);
        await expect(
          card.getByRole('alert', { name: 'Workflow failure' }),
        ).toBeVisible();
        const show = card.getByRole('button', { name: /^Show the details of/ });
        await expect(show).toHaveCount(2);
        while ((await show.count()) > 0) await show.first().click();
        await expect(card.getByText('1 of 2 pipelines done')).toBeVisible();
        expect(await seriousViolations(page, card)).toEqual([]);

        // The tab: status, YAML, runs and logs of both.
        await kratixTabLink(page).click();
        await expect(page.getByRole('log').first()).toBeVisible();
        await expect(page.getByTestId('status-yaml')).toHaveCount(2);
        // The runs: a table, or a list on a phone.
        const runs = page
          .getByRole('table', { name: 'Workflow runs' })
          .or(page.getByRole('list', { name: 'Workflow runs' }));
        const tab = runs
          .first()
          .locator(
            'xpath=ancestor::div[contains(@class,"MuiGrid-container")][1]/../..',
          );
        expect(await seriousViolations(page, tab)).toEqual([]);

        // Searching marks matches in the log: still readable.
        await page
          .getByRole('textbox', { name: /^Search the logs of/ })
          .first()
          .fill('e');
        await expect(
          page.getByRole('log').first().locator('mark').first(),
        ).toBeVisible();
        expect(await seriousViolations(page, tab)).toEqual([]);
      });
    });
  }
}
