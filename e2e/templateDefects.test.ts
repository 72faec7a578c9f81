import { Page, expect, test } from '@playwright/test';
import { BACKEND, guestToken } from './helpers';
import { DESKTOP, kratixCard, openAs } from './kratixViews';

// Issue 13, defects 1 and 9, in the browser: the "IAM user (Kratix)"
// template says a bad name's rule in words, refuses to overwrite an
// existing Resource, and links to the component only once it is in the
// catalog (and to its Kratix tab).

test.use({ viewport: DESKTOP });

/** Fills the template's form and creates the task. */
async function runTemplate(page: Page, name: string, user: string) {
  await page.getByLabel('Name', { exact: false }).first().fill(name);
  await page.getByLabel('User', { exact: false }).first().fill(user);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
}

test('the template refuses a taken name and a bad one in words, and links to the component once the catalog has it', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const existing = `${BACKEND}/api/kratix/promises/iam/resources/default/payments-user`;
  const specUser = async () => {
    const res = await request.get(existing, { headers });
    return res.ok() ? (await res.json()).spec.user : undefined;
  };
  let userBefore: string | undefined;
  await expect
    .poll(async () => (userBefore = await specUser()), { timeout: 60_000 })
    .toBeDefined();

  await openAs(page, '/create/templates/default/kratix-iam-user', 'light');

  // 9: a bad name gets the rule in words, not the regex.
  await page.getByLabel('Name', { exact: false }).first().fill('Payments_User');
  await page.getByLabel('User', { exact: false }).first().fill('someone');
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(
    page.getByText(/Use lowercase letters, digits and dashes only/).first(),
  ).toBeVisible();
  await expect(page.locator('body')).not.toContainText('[a-z0-9]');

  // 1: an existing Resource is not overwritten.
  await runTemplate(page, 'payments-user', 'intruder');
  await expect(page.getByText(/updateExisting/).first()).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page.getByRole('link', { name: 'Open the component' }),
  ).toHaveCount(0);
  expect(
    (await (await request.get(existing, { headers })).json()).spec.user,
  ).toBe(userBefore);

  // 9: a new one: the link comes once the catalog holds the component.
  const name = `e2e-ux-${Date.now()}`;
  await page.goto('/create/templates/default/kratix-iam-user');
  await runTemplate(page, name, name);
  const open = page.getByRole('link', { name: 'Open the component' });
  await expect(open).toBeVisible({ timeout: 150_000 });
  const entity = await request.get(
    `${BACKEND}/api/catalog/entities/by-name/component/default/${name}`,
    { headers },
  );
  expect(entity.status()).toBe(200);
  await expect(
    page.getByRole('link', { name: 'Open its Kratix tab' }),
  ).toHaveAttribute('href', new RegExp(`/component/${name}/kratix$`));
  await open.click();
  await expect(
    kratixCard(page).getByText('User created and vault secret created'),
  ).toBeVisible();
});
