import { Page, expect, test } from '@playwright/test';
import { signIn } from '../e2e/helpers';
import { mergePatch } from '../scripts/kubernetes-demo/cluster';
import { demoCluster } from './demoCluster';

// The demo's catalog, unchanged: its annotations name Resources that live
// on the cluster (seeded by scripts/kubernetes-demo.sh).

/**
 * Signs in and opens a component from the catalog, without a page load
 * (a load signs in again, which the busy dev backend may refuse).
 */
async function openComponent(page: Page, name: string) {
  await signIn(page);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/component/${name}$`));
}

test('a Resource from the cluster: its message, conditions and health on the card', async ({
  page,
}) => {
  await openComponent(page, 'search-service');
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

test('a failed pipeline on the cluster: the card says which one', async ({
  page,
}) => {
  await openComponent(page, 'orders-service');
  // Two Resources: one summary line each; the failed one's details open.
  await expect(page.getByText('postgresql/default/orders-db')).toBeVisible();
  await page
    .getByRole('button', {
      name: /^Show the details of .*postgresql\/default\/orders-db$/,
    })
    .click();
  await expect(
    page
      .getByText('A Configure Pipeline has failed: configure-backups')
      .first(),
  ).toBeVisible();
  await expect(
    page.getByRole('cell', { name: 'ConfigureWorkflowFailed' }).first(),
  ).toBeVisible();
});

test('a status written on the cluster shows on the card within seconds, without a reload', async ({
  page,
}) => {
  await openComponent(page, 'payments-service');
  await expect(
    page.getByText('User created and vault secret created'),
  ).toBeVisible();
  await expect(
    page.getByRole('cell', { name: 'PipelinesExecutedSuccessfully' }),
  ).toBeVisible();
  await page.evaluate(() => {
    (window as any).kratixE2eNoReload = true;
  });

  // As Kratix does when the workflow runs again: a new message, and
  // ConfigureWorkflowCompleted back to in progress.
  const { custom } = demoCluster();
  const where = {
    group: 'example.promise.syntasso.io',
    version: 'v1',
    plural: 'iams',
    namespace: 'default',
    name: 'payments-user',
  };
  const current: any = await custom.getNamespacedCustomObject(where);
  const message = `Rotating the vault secret (${Date.now()})`;
  const conditions = current.status.conditions.map((c: any) =>
    c.type === 'ConfigureWorkflowCompleted'
      ? {
          ...c,
          status: 'False',
          reason: 'PipelinesInProgress',
          message: 'Pipelines are still in progress',
          lastTransitionTime: `${new Date().toISOString().slice(0, 19)}Z`,
        }
      : c,
  );
  await custom.patchNamespacedCustomObjectStatus(
    { ...where, body: { status: { message, conditions } } },
    mergePatch,
  );

  await expect(page.getByText(message)).toBeVisible({ timeout: 5_000 });
  await expect(
    page.getByRole('cell', { name: 'PipelinesInProgress' }),
  ).toBeVisible({ timeout: 5_000 });
  expect(await page.evaluate(() => (window as any).kratixE2eNoReload)).toBe(
    true,
  );
});
