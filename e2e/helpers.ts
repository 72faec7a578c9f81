import { APIRequestContext, Page, expect } from '@playwright/test';

export const BACKEND = 'http://localhost:7007';

/**
 * Signs in as the guest user and waits for the catalog. The guest sign-in
 * is retried when the busy dev backend answers it with an error.
 */
export async function signIn(page: Page) {
  await page.goto('/');
  const catalog = page.getByText('All Components');
  const enter = page.getByRole('button', { name: 'Enter' });
  for (let attempt = 1; ; attempt++) {
    // After a reload the session may already be there: no sign-in page.
    await expect(enter.or(catalog).first()).toBeVisible({ timeout: 60_000 });
    if (await catalog.isVisible()) return;
    await enter.click();
    try {
      await expect(catalog).toBeVisible({ timeout: 15_000 });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.reload();
    }
  }
}

/** A guest token for calling the backend as the demo user. */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const res = await request.get(`${BACKEND}/api/auth/guest/refresh`);
  expect(res.ok()).toBeTruthy();
  return (await res.json()).backstageIdentity.token;
}
