import { expect, test } from '@playwright/test';
import { BACKEND, guestToken, signIn } from './helpers';

test('the example template requests a Resource and its component joins the catalog', async ({
  page,
  request,
}) => {
  const name = `e2e-iam-${Date.now()}`;
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const created = await request.post(`${BACKEND}/api/scaffolder/v2/tasks`, {
    headers,
    data: {
      templateRef: 'template:default/kratix-iam-user',
      values: {
        name,
        user: name,
        namespace: 'default',
        owner: 'group:default/guests',
      },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();

  await expect
    .poll(
      async () => {
        const res = await request.get(
          `${BACKEND}/api/scaffolder/v2/tasks/${id}`,
          {
            headers,
          },
        );
        return (await res.json()).status;
      },
      // The task now also waits for the component to be in the catalog.
      { timeout: 120_000 },
    )
    .toBe('completed');

  const entityUrl = `${BACKEND}/api/catalog/entities/by-name/component/default/${name}`;
  await expect
    .poll(async () => (await request.get(entityUrl, { headers })).status(), {
      timeout: 60_000,
    })
    .toBe(200);
  const entity = await (await request.get(entityUrl, { headers })).json();
  expect(entity.metadata.annotations['kratix.io/resource-ref']).toBe(
    `iam/default/${name}`,
  );
  expect(entity.spec.owner).toBe('group:default/guests');

  await signIn(page);
  await page.goto(`/catalog/default/component/${name}`);
  await expect(
    page.getByText('User created and vault secret created'),
  ).toBeVisible();
  await expect(page.getByText(`iam/default/${name}`)).toBeVisible();
});
