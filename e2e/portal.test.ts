import { expect, test } from '@playwright/test';

test('the portal signs in as guest and lists the demo catalog', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(nav.getByRole('link', { name: 'Catalog' })).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'example-website' }),
  ).toBeVisible();
});

test('the backend answers the Kratix health route', async ({ request }) => {
  const res = await request.get('http://localhost:7007/api/kratix/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
});
