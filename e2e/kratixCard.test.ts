import { expect, test } from '@playwright/test';
import { BACKEND, guestToken, signIn } from './helpers';
import { kratixTabLink } from './kratixViews';

test('the card shows the message, the workflow condition and the health', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/search-service');
  await expect(
    page.getByText(
      'Instance example provisioned with preconfigured system metrics',
    ),
  ).toBeVisible();
  await expect(
    page.getByRole('cell', { name: 'ConfigureWorkflowCompleted' }),
  ).toBeVisible();
  await expect(
    page.getByRole('cell', { name: 'PipelinesExecutedSuccessfully' }),
  ).toBeVisible();
  await expect(page.getByText('Healthy', { exact: true })).toBeVisible();
});

test('a spec change shows on the card without a reload, and the tab shows its log', async ({
  page,
  request,
}) => {
  await signIn(page);
  await page.goto('/catalog/default/component/payments-service');
  await expect(
    page.getByText('User created and vault secret created'),
  ).toBeVisible();
  await page.evaluate(() => {
    (window as any).kratixE2eNoReload = true;
  });

  const user = `e2e-user-${Date.now()}`;
  const token = await guestToken(request);
  const res = await request.put(
    `${BACKEND}/api/kratix/promises/iam/resources/default/payments-user`,
    {
      headers: { Authorization: `Bearer ${token}` },
      data: { spec: { user } },
    },
  );
  expect(res.status()).toBe(200);
  expect((await res.json()).metadata.generation).toBeGreaterThan(1);

  // The pipelines run (about 4 s); the card follows them live.
  await expect(page.getByText(user).first()).toBeVisible({ timeout: 30_000 });
  await expect(
    page.getByText('User created and vault secret created'),
  ).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(() => (window as any).kratixE2eNoReload)).toBe(
    true,
  );

  await kratixTabLink(page).click();
  await expect(page.getByText('Workflow runs').first()).toBeVisible();
  await expect(page.getByText(`Creating user ${user}`)).toBeVisible({
    timeout: 30_000,
  });
});
