import { Page, expect, test } from '@playwright/test';
import {
  DESKTOP,
  MOBILE,
  expectTheme,
  kratixCard,
  kratixTabLink,
  openAs,
  resourceSection,
  rewriteJson,
  withAnnotation,
} from './kratixViews';

// Issue 13's defects 2-11 on the demo's card and tab, in Chromium: desktop
// and mobile, light and dark, one page load each. The demo's Resources are
// real (orders-db fails in its second pipeline, example has a HealthRecord);
// stress data and broken annotations are the real answers changed on their
// way to the page. Defect 1 and 9 (the template) are in template.test.ts,
// defect 3 with a stopped backend in stoppedBackend.test.ts.

const ORDERS_DB = 'postgresql/default/orders-db';
const PAYMENTS_USER = 'iam/default/payments-user';

/** Whether each word of the elements' text nodes sits on one line. */
async function wordsUnbroken(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluateAll(elements =>
    elements.every(element => {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        if (node.textContent?.trim() && range.getClientRects().length > 1) {
          return false;
        }
      }
      return elements.length > 0;
    }),
  );
}

test.describe('desktop, light', () => {
  test.use({ viewport: DESKTOP, timezoneId: 'Asia/Kolkata', locale: 'en-US' });

  test('a failed Resource stands out on the card; the tab shows its run and logs plainly', async ({
    page,
  }) => {
    await openAs(page, '/catalog/default/component/orders-service', 'light');
    await expectTheme(page, 'light');
    const card = kratixCard(page);
    await expect(card).toBeVisible();

    // 4: the card opens the overview: no card above it in its column.
    const top = (await card.boundingBox())!;
    for (const other of await page.locator('.MuiCard-root, article').all()) {
      const box = await other.boundingBox();
      if (box && box.x < top.x + top.width && box.x + box.width > top.x) {
        expect(box.y).toBeGreaterThanOrEqual(top.y);
      }
    }

    // 7: two Resources, one summary line each.
    const ordersDb = resourceSection(page, ORDERS_DB);
    const paymentsUser = resourceSection(page, PAYMENTS_USER);
    await expect(
      ordersDb.getByRole('button', {
        name: `Show the details of ${ORDERS_DB}`,
      }),
    ).toBeVisible();
    await expect(
      paymentsUser.getByRole('button', {
        name: `Show the details of ${PAYMENTS_USER}`,
      }),
    ).toBeVisible();

    // 4: the failure is on the card without opening anything: the failed
    // pipeline, its exit code, the last lines of its log, a link to the tab.
    const failure = ordersDb.getByRole('alert', { name: 'Workflow failure' });
    await expect(failure).toContainText(
      'Pipeline configure-backups failed with exit code 3',
    );
    await expect(failure).toContainText(
      'error: backup bucket s3://backups-orders-db is not reachable',
    );
    await expect(
      paymentsUser.getByRole('alert', { name: 'Workflow failure' }),
    ).toHaveCount(0);

    // 3: connected, so live.
    await expect(
      ordersDb.getByRole('status', { name: 'Updates: Live' }),
    ).toBeVisible();

    // 4: a failed workflow is not "in progress".
    await ordersDb.getByRole('button', { name: /Show the details/ }).click();
    await expect(ordersDb.getByText('1 of 2 pipelines done')).toBeVisible();
    await expect(
      ordersDb.getByRole('progressbar', { name: 'Workflow progress' }),
    ).toHaveCount(0);

    // Engine-owned status keys are not the pipelines' status.
    await paymentsUser
      .getByRole('button', { name: /Show the details/ })
      .click();
    await expect(paymentsUser.getByText(/user:\s/)).toBeVisible();
    await expect(card).not.toContainText('lastSuccessfulConfigureWorkflowTime');

    await failure
      .getByRole('link', {
        name: 'See the runs and full logs in the Kratix tab',
      })
      .click();
    await expect(page).toHaveURL(/\/orders-service\/kratix$/);

    // A condition's status is read out, not hidden with its icon.
    await expect(
      page
        .getByRole('table', { name: 'Conditions' })
        .first()
        .getByRole('cell', { name: 'False', exact: true })
        .first(),
    ).toBeVisible();

    // 11: the runs table: an exit code is just the code, every column has a
    // header, the shown run says so in full contrast text.
    const runs = page.getByRole('table', { name: 'Workflow runs' }).first();
    await expect(runs).toBeVisible();
    const backups = runs.getByRole('row', { name: /configure-backups/ });
    await expect(
      backups.getByRole('cell', { name: '3', exact: true }),
    ).toBeVisible();
    await expect(runs).not.toContainText('exit 3');
    for (const header of await runs.getByRole('columnheader').allInnerTexts()) {
      expect(header.trim()).not.toBe('');
    }
    await expect(
      runs.getByLabel(/^Logs of run .+ are shown below$/),
    ).toHaveText('Logs shown');
    // 8: a run says what it ran for, what triggered it and its
    // generation, not only a UUID.
    await expect(runs).toContainText('resource configure');
    await expect(
      runs.getByRole('columnheader', { name: 'Trigger' }),
    ).toBeVisible();
    await expect(
      runs.getByRole('columnheader', { name: 'Generation' }),
    ).toBeVisible();
    await expect(
      runs
        .getByRole('cell', {
          name: /^(Create|Spec change|Manual|Interval|Retry|Promise change)$/,
        })
        .first(),
    ).toBeVisible();

    // 8: the log view: line numbers, search, download.
    const name = 'Logs of configure-backups / backups';
    const log = page.getByRole('log', { name });
    await expect(log).toContainText('is not reachable');
    await expect(log.locator('[data-line="1"] [aria-hidden]')).toHaveText('1');
    const tools = page.getByRole('group', {
      name: `Search, follow and download: ${name}`,
    });
    await tools.getByRole('textbox', { name: /^Search/ }).fill('REACHABLE');
    await expect(tools.getByRole('status')).toHaveText(/^1 of \d+$/);
    await expect(log.locator('mark').first()).toHaveText('reachable');
    const download = page.waitForEvent('download');
    await tools.getByRole('button', { name: 'Download the log' }).click();
    expect((await download).suggestedFilename()).toMatch(
      /-configure-backups-backups\.log$/,
    );

    // 11: hover times in the user's time zone (Asia/Kolkata here).
    expect(await page.locator('time').first().getAttribute('title')).toMatch(
      /GMT\+5:30/,
    );

    // 5: the YAML masks the password as the card does.
    const yaml = page.getByTestId('status-yaml');
    await expect(yaml.nth(1)).toContainText('password:');
    await expect(page.locator('body')).not.toContainText('<vault-ref>');
  });

  test('errors: each cause its own sentence; a malformed annotation keeps its valid refs', async ({
    page,
  }) => {
    // 10: a 500, a network failure, an unknown Promise, a missing Resource
    // and a part that is no ref, next to a valid ref, on one entity.
    await withAnnotation(
      page,
      'payments-service',
      [
        PAYMENTS_USER,
        ORDERS_DB,
        'elastic-cloud/default/example',
        'no-such-promise/default/x',
        'iam/default/no-such-user',
        'not//a/ref',
      ].join(', '),
    );
    await page.route(
      /\/api\/kratix\/promises\/postgresql\/resources\/default\/orders-db$/,
      route =>
        route.fulfill({
          status: 500,
          json: {
            error: { name: 'Error', message: 'database is locked' },
            request: { method: 'GET', url: route.request().url() },
            response: { statusCode: 500 },
          },
        }),
    );
    await page.route(
      /\/api\/kratix\/promises\/elastic-cloud\/resources\/default\/example$/,
      route => route.abort('connectionrefused'),
    );
    await openAs(page, '/catalog/default/component/payments-service', 'light');
    const card = kratixCard(page);

    await expect(
      card.getByText(
        /annotation has a part that is not a Resource ref: 'not\/\/a\/ref'/,
      ),
    ).toBeVisible();
    await expect(
      resourceSection(page, PAYMENTS_USER).getByText(
        'User created and vault secret created',
      ),
    ).toBeVisible();
    await expect(
      resourceSection(page, ORDERS_DB).getByText(
        /^The Kratix backend failed while reading the resource of postgresql\/default\/orders-db \(HTTP 500\): database is locked\./,
      ),
    ).toBeVisible();
    await expect(
      resourceSection(page, 'elastic-cloud/default/example').getByText(
        /^Could not reach the Kratix backend to read the resource of elastic-cloud\/default\/example/,
      ),
    ).toBeVisible();
    await expect(
      resourceSection(page, 'no-such-promise/default/x').getByText(
        /^Kratix has no Promise no-such-promise, so there is no Resource/,
      ),
    ).toBeVisible();
    await expect(
      resourceSection(page, 'iam/default/no-such-user').getByText(
        /^Kratix has no Resource iam\/default\/no-such-user\./,
      ),
    ).toBeVisible();
  });

  test('stress data: many conditions, long messages, secret-looking keys, a long coloured running log', async ({
    page,
  }) => {
    const secret = 's3cr3t-Pa55-value';
    let conditions: unknown[] = [];
    const url = 'https://console.example.com/users/admin';
    const longWord = 'x'.repeat(300);
    const condition = (type: string, status: string, reason: string) => ({
      type,
      status,
      reason,
      message: `${reason}: ${'a long explanation '.repeat(8)}`,
      lastTransitionTime: new Date(Date.now() - 60_000).toISOString(),
    });
    await rewriteJson(
      page,
      /\/api\/kratix\/promises\/iam\/resources\/default\/payments-user$/,
      resource => {
        const status = resource.status;
        status.message = `Rotating credentials ${longWord}`;
        status.conditions = conditions = [
          ...status.conditions,
          condition('DatabaseReachable', 'True', 'Reachable'),
          condition('QuotaAvailable', 'False', 'QuotaExceeded'),
          condition('BackupsConfigured', 'Unknown', 'NotChecked'),
          condition('DnsRecordPublished', 'True', 'Published'),
          condition('CertificateIssued', 'False', 'IssuerUnavailable'),
          condition('SecretSynced', 'True', 'Synced'),
          condition('PolicyAttached', 'Unknown', 'Pending'),
          condition('AuditLoggingEnabled', 'False', 'Disabled'),
          condition('NetworkPolicyApplied', 'True', 'Applied'),
        ];
        status.iam = {
          ...status.iam,
          dbPassword: secret,
          passwordSecretName: 'payments-db-credentials',
          console: url,
          expiresAt: null,
        };
        return resource;
      },
    );
    // The newest run is still running and its log grows on every read.
    let reads = 0;
    await rewriteJson(page, /\/payments-user\/runs$/, body => {
      body.items[0].phase = 'Running';
      body.items[0].finishedAt = undefined;
      return body;
    });
    await rewriteJson(page, /\/payments-user\/runs\/[^/]+\/logs$/, body => {
      reads++;
      const count = 300 + 20 * reads;
      const lines = Array.from(
        { length: count },
        (_, i) =>
          `\u001b[32mline ${
            i + 1
          }\u001b[0m of the user's sync (password ${secret})`,
      );
      body.items[0].log = lines.join('\n');
      return body;
    });

    await openAs(page, '/catalog/default/component/payments-service', 'light');
    const card = kratixCard(page);
    const section = resourceSection(page, PAYMENTS_USER);
    await expect(section.getByText('Rotating credentials')).toBeVisible();

    // A long message wraps inside the card.
    const cardBox = await card.boundingBox();
    expect(cardBox!.x + cardBox!.width).toBeLessThanOrEqual(DESKTOP.width);
    expect(
      await card.evaluate(el => el.scrollWidth <= el.clientWidth + 1),
    ).toBe(true);

    // 7: False, then Unknown; the True ones behind "n more".
    const table = section.getByRole('table', { name: 'Conditions' });
    const statuses = await table
      .locator('tbody tr td:nth-child(2)')
      .allInnerTexts();
    expect(statuses.map(s => s.trim())).toEqual([
      'False',
      'False',
      'False',
      'Unknown',
      'Unknown',
    ]);
    await section.getByRole('button', { name: /^\d+ more$/ }).click();
    await expect(table.locator('tbody tr')).toHaveCount(conditions.length);
    expect(
      await wordsUnbroken(
        page,
        'table[aria-label="Conditions"] tbody td:first-child',
      ),
    ).toBe(true);

    // 5 and 11: the secret masked, the secret's name not; `key: value` with
    // its space; URLs as links; null shown; keys never wrap.
    await expect(
      section.getByRole('button', { name: 'Show dbPassword' }),
    ).toBeVisible();
    await expect(section).not.toContainText(secret);
    await expect(section.getByText('payments-db-credentials')).toBeVisible();
    await expect(section.getByRole('link', { name: url })).toHaveAttribute(
      'href',
      url,
    );
    await expect(section.getByText('expiresAt: null')).toBeVisible();
    const key = section.getByText('passwordSecretName:', { exact: true });
    expect(await key.evaluate(el => getComputedStyle(el).whiteSpace)).toBe(
      'nowrap',
    );

    // The tab: the same masking in the YAML and the log.
    await kratixTabLink(page).click();
    const yaml = page.getByTestId('status-yaml');
    await expect(yaml).toContainText('payments-db-credentials');
    await expect(yaml).not.toContainText(secret);

    // 8: the running log in colour, followed to its newest line.
    const log = page.getByRole('log').first();
    await expect(log.getByText(/^line 320 /)).toBeVisible();
    await expect(log.getByText(/^line 360 /)).toBeVisible({ timeout: 15_000 });
    // Scrolled up, the reader stays put; "Follow" takes them back down.
    const follow = page
      .getByRole('button', { name: 'Follow the newest line' })
      .first();
    await expect(follow).toHaveAttribute('aria-pressed', 'true');
    const fromEnd = () =>
      log.evaluate(el => el.scrollHeight - el.scrollTop - el.clientHeight);
    const lines = () => log.locator('[data-line]').count();
    await log.evaluate(el => el.scrollTo({ top: 0 }));
    await expect(follow).toHaveAttribute('aria-pressed', 'false');
    const before = await lines();
    await expect.poll(lines, { timeout: 15_000 }).toBeGreaterThan(before);
    expect(await log.evaluate(el => el.scrollTop)).toBe(0);
    await follow.click();
    await expect(follow).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(fromEnd).toBeLessThan(30);
    await expect(log).not.toContainText(secret);
    // The ANSI green of "line 360".
    const [r, g, b] = (
      await log
        .getByText('line 360', { exact: true })
        .evaluate(el => getComputedStyle(el).color)
    )
      .match(/\d+/g)!
      .map(Number);
    expect(g).toBeGreaterThan(Math.max(r, b));
  });

  test('"Reconcile requested" clears once the run starts', async ({ page }) => {
    await openAs(
      page,
      '/catalog/default/component/search-service/kratix',
      'light',
    );
    const runs = page.getByRole('table', { name: 'Workflow runs' });
    await expect(runs).toBeVisible();
    const before = await runs.locator('tbody tr').count();
    await page.getByRole('button', { name: 'Reconcile now' }).click();
    const requested = page
      .getByRole('status')
      .filter({ hasText: 'Reconcile requested' });
    await expect(requested).toBeVisible();
    await expect
      .poll(() => runs.locator('tbody tr').count(), { timeout: 30_000 })
      .toBeGreaterThan(before);
    await expect(requested).toHaveCount(0);
  });
});

test.describe('desktop, dark', () => {
  test.use({ viewport: DESKTOP, timezoneId: 'Asia/Kolkata', locale: 'en-US' });

  test("health: a readable chip, old checks marked stale, times in the user's zone; a secret's name is not masked", async ({
    page,
  }) => {
    await openAs(page, '/catalog/default/component/search-service', 'dark');
    await expectTheme(page, 'dark');
    const card = kratixCard(page);
    // 6: the demo's HealthRecord ran on 2025-11-21, long before the default
    // threshold of 10 minutes.
    await expect(card.getByLabel('Health: Healthy (stale)')).toBeVisible();
    await expect(
      card.getByTitle(/^Not checked for longer than 10 minutes/),
    ).toBeVisible();
    // 11: the check's time on hover, in the user's time zone.
    await expect(
      card.locator('time[datetime="2025-11-21T00:00:00.000Z"]'),
    ).toHaveAttribute('title', /Nov 21, 2025, 5:30:00\s?AM GMT\+5:30/);
    // 5: passwordSecretName is a name, not a secret.
    await expect(card.getByText('example-es-elastic-user')).toBeVisible();
    await expect(
      card.getByRole('button', { name: 'Show passwordSecretName' }),
    ).toHaveCount(0);
  });
});

test.describe('mobile, dark', () => {
  test.use({ viewport: MOBILE });

  test('the tab stacks its tables, keeps the YAML clear of its button and its strings not red', async ({
    page,
  }) => {
    await openAs(
      page,
      '/catalog/default/component/orders-service/kratix',
      'dark',
    );
    await expectTheme(page, 'dark');

    // 2: below sm, Conditions and Workflow runs are stacked blocks.
    const conditions = page.getByRole('list', { name: 'Conditions' }).first();
    await expect(conditions).toBeVisible();
    await expect(page.getByRole('table', { name: 'Conditions' })).toHaveCount(
      0,
    );
    await expect(
      page.getByRole('table', { name: 'Workflow runs' }),
    ).toHaveCount(0);
    for (const item of await conditions.getByRole('listitem').all()) {
      expect((await item.boundingBox())!.width).toBeGreaterThan(300);
    }
    expect(
      await wordsUnbroken(
        page,
        '[role="list"][aria-label="Conditions"] [role="listitem"] > div:first-child',
      ),
    ).toBe(true);
    const runs = page.getByRole('list', { name: 'Workflow runs' }).first();
    await expect(runs.getByRole('listitem').first()).toContainText(
      'configure-backups',
    );

    // 2: the copy button sits above the YAML, not over it.
    const copy = (await page
      .getByRole('button', { name: 'Copy the status YAML' })
      .first()
      .boundingBox())!;
    const yaml = (await page.getByTestId('status-yaml').first().boundingBox())!;
    expect(copy.y + copy.height).toBeLessThanOrEqual(yaml.y + 1);

    // 11: no highlighter red (#d88) for YAML strings in the dark theme.
    const colours = await page
      .getByTestId('status-yaml')
      .first()
      .locator('span')
      .evaluateAll(spans => spans.map(s => getComputedStyle(s).color));
    expect(colours.length).toBeGreaterThan(0);
    expect(colours).not.toContain('rgb(221, 136, 136)');
  });
});
