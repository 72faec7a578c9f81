import { APIRequestContext, Page, expect } from '@playwright/test';

export const BACKEND = 'http://localhost:7007';

/**
 * Signs in as the guest user and waits for the catalog. The guest sign-in
 * is retried when the busy dev backend answers it with an error.
 */
export async function signIn(page: Page) {
  await page.goto('/');
  const catalog = page.getByText('All Components');
  for (let attempt = 1; ; attempt++) {
    await page.getByRole('button', { name: 'Enter' }).click();
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
