import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { auditLog } from '../../core/db/schema.js';
import { seedDemoReview } from '../../core/demo/seed-demo-review.js';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import { projectRoot } from '../../core/shared/paths.js';
import { submissions } from '../../core/submissions/index.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { signInThroughPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');

let stack: ConsoleStack;
let demo: DemoSeed;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };
/** The demo queue, oldest first. */
let queued: string[] = [];

beforeAll(async () => {
  stack = await startConsoleStack({
    seed: async (services) => {
      services.blobStore = buildMemoryBlobStore();
      demo = await seedDemo(services);
      await seedDemoReview(services, demo);
    },
  });
  const rows = await stack.services.database.db
    .select({ id: submissions.id })
    .from(submissions)
    .where(and(eq(submissions.brandId, demo.brand.id), eq(submissions.state, 'in_review')))
    .orderBy(submissions.createdAt);
  queued = rows.map((row) => row.id);
  await stack.addUser('reviewer@tea.example', [[demo.brand.id, 'reviewer']]);
  await stack.addUser('owner@tea.example', [[demo.brand.id, 'owner']]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await browser?.close();
  await zhBrowser?.close();
  await stack?.close();
});

async function signedIn(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(UI_HANG_MS);
  await page.goto(`${stack.url}/console/review`);
  await signInThroughPage(page, { email });
  return page;
}

/** Waits until the item shown is `submissionId`'s (its photo loaded) and the page is idle. */
async function showing(page: Page, submissionId: string) {
  await page.locator(`.queue-item.current`).waitFor();
  // A locator, not waitForFunction: the console's CSP (script-src 'self') refuses the eval that needs.
  await page.locator(`.review-page[data-item="${submissionId}"]`).waitFor();
  await page.locator('.review-photo img').waitFor();
}

const stateOf = async (id: string) =>
  (
    await stack.services.database.db
      .select({ state: submissions.state, reasonCode: submissions.reasonCode })
      .from(submissions)
      .where(eq(submissions.id, id))
  )[0];

describe('the review page, keyboard only', () => {
  test('a reviewer skips one photo, approves one with a corrected total and rejects one with a reason', async () => {
    expect(queued).toHaveLength(4);
    const [first, second, third] = queued as [string, string, string];
    const page = await signedIn(browser.context, 'reviewer@tea.example');
    await showing(page, first);
    await expect(page.locator('.queue-count').innerText()).resolves.toContain('4 waiting');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-review.en.png') });

    // J: skip the first photo.
    await page.keyboard.press('j');
    await showing(page, second);

    // E, then Tab to the total (the sixth field), type the right amount, Esc, A (preview), A (approve).
    await page.keyboard.press('e');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.name')).resolves.toBe('total');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('80');
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await page.locator('.rules-card .hint').waitFor();
    await expect(page.locator('.rules-card').innerText()).resolves.toContain('With your corrections');
    await page.keyboard.press('a');
    await showing(page, third);
    expect((await stateOf(second))?.state).toMatch(/accepted|rewarded/);
    const [approval] = await stack.services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, second), eq(auditLog.action, 'review.approved')));
    expect(approval?.data).toMatchObject({ corrections: { totalMinor: 8_000 } });

    // R, then 3: rejected as a duplicate.
    await page.keyboard.press('r');
    await page.locator('.reject-dialog').waitFor();
    await page.keyboard.press('3');
    await page.locator('.reject-dialog').waitFor({ state: 'detached' });
    await page.locator(`.review-page:not([data-item="${third}"])`).waitFor();
    expect(await stateOf(third)).toEqual({ state: 'rejected', reasonCode: 'review.duplicate' });
    expect((await stateOf(first))?.state).toBe('in_review');

    // ? lists the keys.
    await page.keyboard.press('?');
    await expect(page.locator('.keys-dialog').innerText()).resolves.toContain('Next item');
    await page.keyboard.press('Escape');
    await page.close();
  });

  test('in zh-TW, the skipped photo is free again and the page speaks Chinese', async () => {
    const page = await signedIn(zhBrowser.context, 'owner@tea.example');
    await showing(page, queued[0]!);
    await expect(page.locator('.review-page h1').innerText()).resolves.toBe('審核');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-review.zh-TW.png') });
    await page.close();
  });
});
