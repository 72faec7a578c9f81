import { expect, test } from '@playwright/test';
import { BACKEND, signIn } from './helpers';

test('the backend answers the Kratix health route', async ({ request }) => {
  await expect
    .poll(
      async () => (await request.get(`${BACKEND}/api/kratix/health`)).status(),
      {
        timeout: 60_000,
      },
    )
    .toBe(200);
  const res = await request.get(`${BACKEND}/api/kratix/health`);
  expect(await res.json()).toEqual({ status: 'ok' });
});

test('the portal signs in as guest and lists the demo catalog', async ({
  page,
}) => {
  await signIn(page);
  await expect(
    page.getByRole('link', { name: /search-service/ }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: /payments-service/ }),
  ).toBeVisible();
});
