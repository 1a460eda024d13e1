import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { auditLog } from '../../core/db/schema.js';
import {
  DEMO_CONSOLE_EMAIL,
  DEMO_CONSOLE_PASSWORD,
  seedDemoConsoleUser,
} from '../../core/demo/seed-demo-console.js';
import { seedDemoReview } from '../../core/demo/seed-demo-review.js';
import { seedDemo, seedDemoSurvey, type DemoSeed } from '../../core/demo/seed-demo.js';
import { members } from '../../core/members/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { openSignedInPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
/** How long one locator may wait: generous for a loaded machine, and shorter than the test, so a hang names its locator. */
const UI_MS = UI_HANG_MS;

let stack: ConsoleStack;
let demo: DemoSeed;
let meiId: string;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  stack = await startConsoleStack({
    seed: async (services) => {
      services.blobStore = buildMemoryBlobStore();
      demo = await seedDemo(services);
      await seedDemoSurvey(services, demo);
      await seedDemoReview(services, demo);
      // The demo owner, as local mode makes it.
      await seedDemoConsoleUser({ ...services, config: { ...services.config, localMode: true } }, demo.brand);
    },
  });
  const [mei] = await stack.services.database.db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.brandId, demo.brand.id), eq(members.externalMemberNo, 'T-10001')));
  meiId = mei!.id;
  await stack.addUser('viewer@tea.example', [[demo.brand.id, 'viewer']]);
  await stack.addUser('marketer@tea.example', [[demo.brand.id, 'marketer']]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await browser?.close();
  await zhBrowser?.close();
  await stack?.close();
});

const signedIn = (
  context: BrowserContext,
  { email, password }: { email: string; password?: string },
  path = '/members',
) => openSignedInPage(stack, context, { email, ...(password ? { password } : {}), path, timeout: UI_MS });

const asDemoOwner = { email: DEMO_CONSOLE_EMAIL, password: DEMO_CONSOLE_PASSWORD };

/** Types a query in the search box, presses Enter, and waits for the member's row. */
async function searchFor(page: Page, q: string, memberId: string) {
  const box = page.locator('#member-search-input');
  await box.waitFor({ timeout: UI_MS });
  await box.fill(q);
  await box.press('Enter');
  // The table says which search it answers (the recent members shown before the search list her too).
  await page
    .locator(`.member-results[data-q="${q.trim()}"] tr[data-member="${memberId}"]`)
    .waitFor({ timeout: UI_MS });
}

/** Waits until the member's page is shown with its proofs and at least one photo loaded. */
async function memberPageShown(page: Page, memberId: string) {
  await page.locator(`.member-page[data-member="${memberId}"]`).waitFor({ timeout: UI_MS });
  await page.locator('.member-proofs button.thumb img').first().waitFor({ timeout: UI_MS });
}

describe('the members page', () => {
  test('the demo owner finds a member by phone and by invoice number with the keyboard, and opens them', async () => {
    const page = await signedIn(browser.context, asDemoOwner);

    await searchFor(page, '0912 345 678', meiId);
    await expect(page.locator('.member-results tbody tr').count()).resolves.toBe(1);
    await expect(page.locator('.member-results tbody tr').first().innerText()).resolves.toContain('Phone');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-members.en.png') });

    await searchFor(page, 'AB-12345678', meiId);
    await expect(page.locator('.member-results tbody tr').first().innerText()).resolves.toContain('Invoice');
    // Enter in the box put the focus on the first result; Enter again opens it.
    await page.locator(`.member-results tr[data-member="${meiId}"]:focus`).waitFor({ timeout: UI_MS });
    await page.keyboard.press('Enter');
    await memberPageShown(page, meiId);

    const points = page.locator('.member-points');
    await expect(points.locator('[data-testid=points-balance]').innerText()).resolves.toBe('19');
    await expect(points.locator('tbody tr').count()).resolves.toBe(2);
    await expect(page.locator('.member-proofs tr[data-proof]').count()).resolves.toBe(4);
    await expect(page.locator('.member-proofs').innerText()).resolves.toContain('AB12345678');
    await expect(page.locator('.member-consents').innerText()).resolves.toContain('Granted');
    await expect(page.locator('.member-page').innerText()).resolves.toContain('Convenience store');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-member.en.png') });

    // The thumbnail opens the photo larger; Escape closes it.
    // The first thumbnail, once its photo is here (a loading one is disabled, and click waits for it).
    await page.locator('.member-proofs button.thumb').first().click();
    await page.locator('.photo-viewer img').waitFor({ timeout: UI_MS });
    await page.keyboard.press('Escape');
    await page.locator('.photo-viewer').waitFor({ state: 'detached', timeout: UI_MS });

    // An Escape pressed the moment the viewer is in the page (before the next frame) closes the photo only, and
    // the member's page stays (the page's own Escape, "back to the search", must know a photo is open).
    // (A string: the test files are typed without the DOM's globals.)
    await page.evaluate(`
      new MutationObserver((_, observer) => {
        if (!document.querySelector('.photo-viewer')) return;
        observer.disconnect();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      }).observe(document.body, { childList: true, subtree: true });
    `);
    await page.locator('.member-proofs button.thumb').first().click();
    await page.locator('.photo-viewer').waitFor({ state: 'detached', timeout: UI_MS });
    await memberPageShown(page, meiId);

    // The owner sees the erase button (but does not erase here).
    await page.getByRole('button', { name: 'Erase member…' }).waitFor({ timeout: UI_MS });
    await page.close();
  });

  test('keyboard only: J/K move through the recent members, Enter opens one, Escape returns, / focuses the search', async () => {
    const page = await signedIn(browser.context, asDemoOwner);
    const rows = page.locator('.member-results[data-q=""] tbody tr');
    await rows.nth(3).waitFor({ timeout: UI_MS });
    // The search box has the focus at first; leave it so letters are keys, not text.
    await page.locator('#member-search-input:focus').waitFor({ timeout: UI_MS });
    await page.keyboard.press('Tab');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    const second = await rows.nth(1).getAttribute('data-member');
    await page.locator(`.member-results tr[data-member="${second}"]:focus`).waitFor({ timeout: UI_MS });

    await page.keyboard.press('Enter');
    await page.locator(`.member-page[data-member="${second}"]`).waitFor({ timeout: UI_MS });
    await page.keyboard.press('Escape');
    await rows.first().waitFor({ timeout: UI_MS });
    await page.keyboard.press('/');
    await page.locator('#member-search-input:focus').waitFor({ timeout: UI_MS });
    await page.close();
  });

  test('the export downloads the member as JSON and is audited', async () => {
    const page = await signedIn(browser.context, asDemoOwner, `/members/${meiId}`);
    await memberPageShown(page, meiId);

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_MS }),
      page.getByRole('button', { name: 'Export data (JSON)' }).click(),
    ]);
    const document = JSON.parse(await readFile((await download.path())!, 'utf8'));

    expect(download.suggestedFilename()).toBe(`member-${meiId}.json`);
    expect(document.member).toMatchObject({ id: meiId, name: '林美玲' });
    expect(document.records.submissions).toHaveLength(4);
    const audits = await stack.services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, meiId), eq(auditLog.action, 'console.member_exported')));
    expect(audits).toHaveLength(1);
    await page.close();
  });

  test('a viewer sees no erase button, and the server refuses erasure to a viewer and a marketer', async () => {
    const page = await signedIn(browser.context, { email: 'viewer@tea.example' }, `/members/${meiId}`);
    await memberPageShown(page, meiId);
    await expect(page.locator('.member-actions button').count()).resolves.toBe(0);

    const erase = () =>
      page.request.post(`${stack.url}/api/console/members/${meiId}/erase`, {
        data: { confirm: true },
        headers: { 'x-proofline-brand': demo.brand.slug },
        timeout: UI_MS,
      });
    const asViewer = await erase();
    expect(asViewer.status()).toBe(403);
    await page.close();

    const marketerPage = await signedIn(
      browser.context,
      { email: 'marketer@tea.example' },
      `/members/${meiId}`,
    );
    await memberPageShown(marketerPage, meiId);
    await marketerPage.getByRole('button', { name: 'Export data (JSON)' }).waitFor({ timeout: UI_MS });
    await expect(marketerPage.getByRole('button', { name: 'Erase member…' }).count()).resolves.toBe(0);
    const asMarketer = await marketerPage.request.post(`${stack.url}/api/console/members/${meiId}/erase`, {
      data: { confirm: true },
      headers: { 'x-proofline-brand': demo.brand.slug },
      timeout: UI_MS,
    });
    expect(asMarketer.status()).toBe(403);
    const [still] = await stack.services.database.db
      .select({ erasedAt: members.erasedAt })
      .from(members)
      .where(eq(members.id, meiId));
    expect(still?.erasedAt).toBeNull();
    await marketerPage.close();
  });

  test('an owner erases a member only after typing their id; the erasure is audited', async () => {
    const [david] = await stack.services.database.db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.brandId, demo.brand.id), eq(members.externalMemberNo, 'T-10004')));
    const page = await signedIn(browser.context, asDemoOwner, `/members/${david!.id}`);
    await memberPageShown(page, david!.id);
    await page.getByRole('button', { name: 'Erase member…' }).click();
    const confirm = page.getByRole('button', { name: 'Erase for good' });
    await confirm.waitFor({ timeout: UI_MS });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await page.locator('#erase-typed').fill('mbr_wrong');
    await expect(confirm.isDisabled()).resolves.toBe(true);

    await page.locator('#erase-typed').fill(david!.id);
    await confirm.click();
    await page.locator('.member-actions .banner-success').waitFor({ timeout: UI_MS });
    await page.locator('.member-page h1', { hasText: 'Erased member' }).waitFor({ timeout: UI_MS });

    const audits = await stack.services.database.db
      .select({ action: auditLog.action, actorType: auditLog.actorType })
      .from(auditLog)
      .where(and(eq(auditLog.targetId, david!.id), eq(auditLog.action, 'console.member_erased')));
    expect(audits).toEqual([{ action: 'console.member_erased', actorType: 'console_user' }]);
    await page.close();
  });

  test('in zh-TW, the search and the member page speak Chinese', async () => {
    const page = await signedIn(zhBrowser.context, asDemoOwner);
    await searchFor(page, 'AB12345678', meiId);
    await expect(page.locator('.member-results').innerText()).resolves.toContain('發票');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-members.zh-TW.png') });

    await page.locator(`.member-results tr[data-member="${meiId}"]:focus`).waitFor({ timeout: UI_MS });
    await page.keyboard.press('Enter');
    await memberPageShown(page, meiId);
    await expect(page.locator('.member-page').innerText()).resolves.toContain('點數');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-member.zh-TW.png') });
    await page.close();
  });
});
