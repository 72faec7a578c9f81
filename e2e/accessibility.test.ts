import AxeBuilder from '@axe-core/playwright';
import { Locator, Page, expect, test } from '@playwright/test';
import {
  DESKTOP,
  ThemeId,
  expectTheme,
  kratixCard,
  kratixTabLink,
  openAs,
} from './kratixViews';

// axe on the Kratix card and tab, in both themes: no serious or critical
// violation (contrast of the health chips and status texts included).

/** The serious and critical violations axe finds inside `scope`. */
async function seriousViolations(page: Page, scope: Locator, exclude?: string) {
  await scope.evaluate(el => el.setAttribute('data-axe-scope', ''));
  let axe = new AxeBuilder({ page }).include('[data-axe-scope]');
  if (exclude) axe = axe.exclude(exclude);
  const results = await axe.analyze();
  await scope.evaluate(el => el.removeAttribute('data-axe-scope'));
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({
      rule: v.id,
      help: v.help,
      nodes: v.nodes.map(n => `${n.html}: ${n.failureSummary}`),
    }));
}

for (const theme of ['light', 'dark'] as ThemeId[]) {
  test.describe(`${theme} theme`, () => {
    test.use({ viewport: DESKTOP });

    test(`the card and the tab have no serious accessibility violation (${theme})`, async ({
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
      const tab = page
        .getByRole('table', { name: 'Workflow runs' })
        .first()
        .locator(
          'xpath=ancestor::div[contains(@class,"MuiGrid-container")][1]/../..',
        );
      // core-components' LogViewer gives its line numbers role="row" outside
      // any grid (aria-required-parent/children): Backstage's to fix, so the
      // log viewers are left out; everything around them is checked.
      expect(await seriousViolations(page, tab, '[role="log"]')).toEqual([]);
    });
  });
}
