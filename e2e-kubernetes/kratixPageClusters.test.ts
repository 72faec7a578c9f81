import { Page, expect, test } from '@playwright/test';
import { signIn } from '../e2e/helpers';

// The Kratix page's cluster: the demo's backend lists its one cluster, so
// no picker; with a second cluster (faked in the browser: the demo has
// one) the page offers both, reads the real one first, and keeps the pick
// in the URL and in its links.

/** Opens the Kratix page from the sidebar (no page load: see clusterCard). */
async function openKratixPage(page: Page) {
  await page.getByRole('link', { name: 'Kratix', exact: true }).click();
  await expect(page).toHaveURL(/\/kratix/);
}

test('the Kratix page lists the cluster, and picks among several, kept in the URL and links', async ({
  page,
}) => {
  const listed = page.waitForResponse(r =>
    r.url().endsWith('/api/kratix/clusters'),
  );
  await signIn(page);
  await openKratixPage(page);
  expect(await (await listed).json()).toEqual({ items: [{ name: 'demo' }] });
  await expect(page.getByText('orders-db').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Cluster/ })).toHaveCount(0);

  // A second cluster, with nothing on it.
  await page.route('**/api/kratix/clusters', route =>
    route.fulfill({ json: { items: [{ name: 'demo' }, { name: 'staging' }] } }),
  );
  await page.route('**/api/kratix/clusters/staging/promises', route =>
    route.fulfill({ json: { items: [] } }),
  );
  await page.getByRole('link', { name: 'Catalog', exact: true }).click();
  await openKratixPage(page);
  const picker = page.getByRole('button', { name: /^Cluster/ });
  await expect(picker).toHaveText('demo');
  await expect(
    page.getByText(
      'Promises and the Resources requested from them on cluster demo',
    ),
  ).toBeVisible();

  // The Resource's own view, on that cluster, and back.
  const link = page.getByRole('link', { name: 'orders-db', exact: true });
  await expect(link).toHaveAttribute(
    'href',
    '/kratix/resources/postgresql/default/orders-db?cluster=demo',
  );
  await link.click();
  await expect(
    page.getByText(
      'Kratix Resource of Promise postgresql in namespace default on cluster demo',
    ),
  ).toBeVisible();
  await expect(page.getByText('Workflow runs').first()).toBeVisible();
  await page.getByRole('link', { name: 'All Promises and Resources' }).click();
  await expect(page).toHaveURL(/\/kratix\?cluster=demo$/);

  await picker.click();
  await page.getByRole('option', { name: 'staging' }).click();
  await expect(page).toHaveURL(/\/kratix\?cluster=staging$/);
  await expect(page.getByText('No Promise is installed.')).toBeVisible();
});
