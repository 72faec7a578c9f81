import { Locator, Page, Route, expect } from '@playwright/test';
import { signIn } from './helpers';

/** The viewports and themes the card and the tab are checked in. */
export const DESKTOP = { width: 1440, height: 900 };
export const MOBILE = { width: 390, height: 844 };
export type ThemeId = 'light' | 'dark';

/**
 * Opens a portal page signed in as guest, in a theme: Backstage's
 * AppThemeSelector reads localStorage `theme` when the app starts.
 */
export async function openAs(page: Page, path: string, theme: ThemeId) {
  await page.addInitScript(id => {
    window.localStorage.setItem('theme', id);
  }, theme);
  await signIn(page);
  await page.goto(path);
}

/** The Kratix card on an entity's overview. */
export function kratixCard(page: Page): Locator {
  return page
    .locator('.MuiCard-root')
    .filter({
      has: page.locator('.MuiCardHeader-title', { hasText: /^Kratix$/ }),
    })
    .first();
}

/** The entity page's Kratix tab (not the sidebar's Kratix page). */
export function kratixTabLink(page: Page): Locator {
  return page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'Kratix', exact: true });
}

/** One Resource's section of the card or the tab, by its ref. */
export function resourceSection(page: Page, ref: string): Locator {
  return page.getByRole('region', { name: ref, exact: true });
}

/** The page's background: dark or light, as the theme painted it. */
export async function expectTheme(page: Page, theme: ThemeId) {
  await expect
    .poll(async () => {
      const rgb = await page.evaluate(
        () => getComputedStyle(document.body).backgroundColor,
      );
      const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
      return (r + g + b) / 3 < 128 ? 'dark' : 'light';
    })
    .toBe(theme);
}

/**
 * Changes one JSON answer of the backend in the browser's view: `change`
 * gets the real answer and returns what the page sees (stress data, or an
 * entity with another annotation). The Kratix backend itself stays real.
 */
export async function rewriteJson(
  page: Page,
  url: string | RegExp,
  change: (body: any) => any,
) {
  await page.route(url, async (route: Route) => {
    let response;
    try {
      response = await route.fetch();
    } catch {
      // The dev backend restarts when its code changes: as if unreachable.
      await route.abort('connectionrefused');
      return;
    }
    const body = await response.json();
    await route.fulfill({ response, json: change(body) });
  });
}

/** Gives a catalog entity another `kratix.io/resource-ref`, wherever it comes. */
export async function withAnnotation(
  page: Page,
  entityName: string,
  refs: string,
) {
  const patch = (value: any): any => {
    if (Array.isArray(value)) return value.map(patch);
    if (value && typeof value === 'object') {
      if (value.metadata?.name === entityName && value.metadata.annotations) {
        value.metadata.annotations['kratix.io/resource-ref'] = refs;
      }
      for (const key of Object.keys(value)) patch(value[key]);
    }
    return value;
  };
  await rewriteJson(page, /\/api\/catalog\/entities\/by-(name|refs)/, patch);
}
