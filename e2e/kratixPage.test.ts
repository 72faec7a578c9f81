import AxeBuilder from '@axe-core/playwright';
import { Page, expect, test } from '@playwright/test';
import { signIn } from './helpers';

// The Kratix page (/kratix) and the catalog's Kratix column, against the
// demo's three Promises (iam, elastic-cloud, postgresql) and their Resources.

const DESKTOP = { width: 1440, height: 900 };
/** The first look at a page: the dev server may be rebuilding. */
const SLOW = { timeout: 90_000 };
const MOBILE = { width: 390, height: 844 };

/** Signs in with Backstage's theme (localStorage `theme`) set first. */
async function openAs(page: Page, path: string, theme: 'light' | 'dark') {
  await page.addInitScript(
    id => window.localStorage.setItem('theme', id),
    theme,
  );
  await signIn(page);
  // signIn ends on the catalog, at /.
  if (path !== '/') await page.goto(path);
}

/** The serious and critical violations axe finds on the page. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).include('main').analyze();
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({
      rule: v.id,
      nodes: v.nodes.map(n => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
}

/** The Resources table, by its title "Resources (n)". */
const resourcesTable = (page: Page) =>
  page
    .locator('[class*="MuiPaper-root"]')
    .filter({ has: page.getByText(/^Resources \(/) })
    .last();

test.describe('desktop', () => {
  test.use({ viewport: DESKTOP });

  test('the nav opens the page: Promises with API, status and counts; Resources filtered and sorted', async ({
    page,
  }) => {
    await openAs(page, '/', 'light');
    await page.getByRole('link', { name: 'Kratix', exact: true }).click();
    await expect(page).toHaveURL(/\/kratix$/);
    await expect(
      page.getByRole('heading', { name: 'Kratix', exact: true }),
    ).toBeVisible();

    const promises = page
      .locator('[class*="MuiPaper-root"]')
      .filter({ has: page.getByText(/^Promises \(/) })
      .last();
    const iam = promises.getByRole('row').filter({ hasText: /^iam/ });
    await expect(iam).toContainText('IAMexample.promise.syntasso.io/v1', SLOW);
    await expect(iam).toContainText(
      /\d+ \(\d+ (Ready|In progress|Failed|Pending)/,
    );
    await expect(
      promises.getByRole('row').filter({ hasText: /^elastic-cloud/ }),
    ).toContainText('Healthy');

    const table = resourcesTable(page);
    await expect(table.getByRole('row', { name: /orders-db/ })).toBeVisible();
    await expect(
      table.getByRole('row', { name: /payments-user/ }),
    ).toBeVisible();

    await page.locator('#kratix-filter-promise').click();
    await page.getByRole('option', { name: 'postgresql' }).click();
    await expect(page.getByText(/^Resources \(\d+ of \d+\)$/)).toBeVisible();
    await expect(table.getByRole('row', { name: /payments-user/ })).toHaveCount(
      0,
    );
    await expect(table.getByRole('row', { name: /orders-db/ })).toBeVisible();

    await page.locator('#kratix-filter-promise').click();
    await page.getByRole('option', { name: 'Any' }).click();
    await page.locator('#kratix-filter-health').click();
    await page.getByRole('option', { name: 'Healthy' }).click();
    await expect(table.getByRole('row', { name: /example/ })).toBeVisible();
    await expect(table.getByRole('row', { name: /orders-db/ })).toHaveCount(0);
    await page.locator('#kratix-filter-health').click();
    await page.getByRole('option', { name: 'Any' }).click();

    // Sorting by Resource name, then the other way round.
    const firstName = async () =>
      (
        await table
          .locator('tbody tr')
          .first()
          .locator('td')
          .first()
          .innerText()
      ).trim();
    await table.getByRole('button', { name: 'Resource' }).first().click();
    const ascending = await firstName();
    await table.getByRole('button', { name: 'Resource' }).first().click();
    await expect.poll(firstName).not.toBe(ascending);

    expect(await seriousViolations(page)).toEqual([]);
  });

  test('a Resource links to its catalog entity, and its own view shows status, runs and logs', async ({
    page,
  }) => {
    await openAs(page, '/kratix', 'dark');
    const link = resourcesTable(page).getByRole('link', { name: /^example/ });
    await expect(link).toHaveAttribute('href', /^\/catalog\//, SLOW);

    await page.goto('/kratix/resources/postgresql/default/orders-db');
    await expect(
      page.getByText('postgresql/default/orders-db').first(),
    ).toBeVisible();
    await expect(page.getByText('Workflow runs').first()).toBeVisible();
    await expect(page.getByText(/^Logs/).first()).toBeVisible();
    await expect(page.getByRole('log').first()).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    await page
      .getByRole('link', { name: 'All Promises and Resources' })
      .click();
    await expect(page).toHaveURL(/\/kratix$/);
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`the page has no serious accessibility violation (${theme})`, async ({
      page,
    }) => {
      await openAs(page, '/kratix', theme);
      await expect(
        resourcesTable(page).getByRole('row', { name: /orders-db/ }),
      ).toBeVisible(SLOW);
      expect(await seriousViolations(page)).toEqual([]);
    });
  }

  test('the catalog table has a Kratix column for annotated entities', async ({
    page,
  }) => {
    await openAs(page, '/', 'light');
    await expect(
      page.getByRole('columnheader', { name: 'Kratix' }),
    ).toBeVisible(SLOW);
    const search = page.getByRole('row', { name: /search-service/ });
    await expect(search).toContainText('1 Ready');
    const orders = page.getByRole('row', { name: /orders-service/ });
    await expect(orders).toContainText(/\d (Failed|Ready|In progress)/);
  });
});

test.describe('phone', () => {
  test.use({ viewport: MOBILE });

  for (const theme of ['light', 'dark'] as const) {
    test(`the Resources stack as a list, nothing scrolls sideways, no serious accessibility violation (${theme})`, async ({
      page,
    }) => {
      await openAs(page, '/kratix', theme);
      const list = page.getByRole('list', { name: 'Resources' });
      await expect(list.getByRole('listitem').first()).toBeVisible(SLOW);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await seriousViolations(page)).toEqual([]);

      // A Resource's own view, its logs included.
      await page.goto('/kratix/resources/postgresql/default/orders-db');
      await expect(page.getByRole('log').first()).toBeVisible(SLOW);
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
});
