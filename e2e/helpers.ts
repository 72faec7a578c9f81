import { APIRequestContext, Page, expect } from '@playwright/test';

export const BACKEND = 'http://localhost:7007';

/** Signs in as the guest user and waits for the catalog. */
export async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByText('All Components')).toBeVisible();
}

/** A guest token for calling the backend as the demo user. */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const res = await request.get(`${BACKEND}/api/auth/guest/refresh`);
  expect(res.ok()).toBeTruthy();
  return (await res.json()).backstageIdentity.token;
}
