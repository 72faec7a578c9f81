#!/usr/bin/env node
// Opens an entity's page in Chromium, signs in as guest when asked, and
// waits for the Kratix card to show the given text.
// Usage: node check-card.mjs <entity page URL> <text> [screenshot.png]
import { chromium } from 'playwright-core';

const [url, text, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  const enter = page.getByRole('button', { name: 'Enter' });
  const card = page.getByText(text).first();
  await enter.or(card).first().waitFor({ timeout: 60_000 });
  if (await enter.isVisible()) await enter.click();
  await card.waitFor({ timeout: 60_000 });
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`${url} shows "${text}"`);
} catch (e) {
  if (screenshot)
    await browser
      .contexts()[0]
      ?.pages()[0]
      ?.screenshot({ path: screenshot, fullPage: true });
  throw e;
} finally {
  await browser.close();
}
