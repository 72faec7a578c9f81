import { expect, test } from '@playwright/test';
import { kratixCard, kratixTabLink, openAs } from './kratixViews';

// The frontend README's screenshots, from the demo. Only on demand:
//   KRATIX_SCREENSHOTS=1 yarn playwright test e2e/screenshots.test.ts
test.skip(!process.env.KRATIX_SCREENSHOTS, 'set KRATIX_SCREENSHOTS=1');
test.use({ viewport: { width: 1300, height: 900 } });

const DOCS = 'plugins/kratix/docs';

test('the card and the tab of orders-service', async ({ page }) => {
  await openAs(page, '/catalog/default/component/orders-service', 'light');
  const card = kratixCard(page);
  await expect(
    card.getByRole('alert', { name: 'Workflow failure' }),
  ).toContainText('exit code 3');
  await card
    .getByRole('button', {
      name: 'Show the details of postgresql/default/orders-db',
    })
    .click();
  await expect(card.getByText('1 of 2 pipelines done')).toBeVisible();
  // No hover or focus ripple on the button in the picture.
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement)?.blur());
  await page.waitForTimeout(500);
  await card.screenshot({ path: `${DOCS}/card.png` });

  await kratixTabLink(page).click();
  await expect(
    page.getByRole('log', { name: 'Logs of configure-backups / backups' }),
  ).toContainText('not reachable');
  await page.screenshot({ path: `${DOCS}/tab.png`, fullPage: false });

  // A run's log: colours, line numbers, a search and its match.
  const name = 'Logs of configure-backups / backups';
  const tools = page.getByRole('group', {
    name: `Search, follow and download: ${name}`,
  });
  await tools.getByRole('textbox').fill('reachable');
  await expect(page.getByRole('log', { name }).locator('mark')).toHaveCount(1);
  const logView = tools.locator('xpath=..');
  await logView.scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement)?.blur());
  await page.waitForTimeout(500);
  await logView.screenshot({ path: `${DOCS}/logs.png` });
});
