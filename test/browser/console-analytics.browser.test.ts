import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { seedDemoAnalytics } from '../../core/demo/seed-demo-analytics.js';
import { seedDemoRewards } from '../../core/demo/seed-demo-rewards.js';
import { runExportJobs } from '../../core/analytics/index.js';
import { readFileSync } from 'node:fs';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import { projectRoot } from '../../core/shared/paths.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { signInThroughPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
/** The console's day: the demo history covers the 90 days before it. */
const NOW = '2026-03-01T04:00:00Z';

let stack: ConsoleStack;
let demo: DemoSeed;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };
let thBrowser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  stack = await startConsoleStack({
    now: NOW,
    seed: async (services) => {
      services.blobStore = buildMemoryBlobStore();
      demo = await seedDemo(services);
      await seedDemoRewards(services, demo);
      await seedDemoAnalytics(services, demo.brand, { invoices: 1_500 });
    },
  });
  await stack.addUser('marketer@tea.example', [[demo.brand.id, 'marketer']]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
  thBrowser = await openDesktopBrowser({ locale: 'th-TH' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await browser?.close();
  await zhBrowser?.close();
  await thBrowser?.close();
  await stack?.close();
});

async function signedIn(context: BrowserContext, email: string, path: string): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  page.setDefaultTimeout(UI_HANG_MS);
  // The page's "last 90 days" is the brand's today: the browser's clock says the stack's day.
  await page.clock.setFixedTime(new Date(NOW));
  await page.goto(`${stack.url}/console${path}`);
  await signInThroughPage(page, { email });
  return page;
}

/**
 * Waits until the page shows a chart and Chart.js has drawn every chart on it (the canvas's `data-drawn`,
 * set after its render): a canvas element exists before the library is loaded and draws on it, so a
 * screenshot taken at the canvas alone may show an empty chart.
 */
async function chartsDrawn(page: Page) {
  // Locators, not a page function: the console's CSP forbids evaluating strings while polling.
  await page.locator('canvas[data-drawn]').first().waitFor();
  await page.locator('canvas:not([data-drawn])').first().waitFor({ state: 'detached' });
}

/** A tab's name and a heading (or, for exports, a phrase of the winners export's note) it shows. */
type TabWords = {
  places: [string, string];
  time: [string, string];
  members: [string, string];
  exports: [string, string];
};

/**
 * In another language, from the stores and regions tab on: each tab once its numbers and charts are shown,
 * with its screenshot (`console-analytics-<tab>.<locale>.png`); closes the page.
 */
async function showTabsFromPlaces(page: Page, locale: string, words: TabWords) {
  const shot = (tab: string, fullPage: boolean) =>
    page.screenshot({ path: join(SCREENSHOTS, `console-analytics-${tab}.${locale}.png`), fullPage });
  const tabs = [
    { tab: 'places', rows: page.locator('[data-analysis=stores] tbody tr').first(), fullPage: true },
    { tab: 'time', rows: page.locator('table.heatmap tbody tr').nth(6), fullPage: false },
    { tab: 'members', rows: page.locator('table.cohorts tbody tr').first(), fullPage: true },
  ] as const;
  for (const { tab, rows, fullPage } of tabs) {
    await page.getByRole('tab', { name: words[tab][0] }).click();
    await page.getByRole('heading', { name: words[tab][1] }).waitFor();
    await rows.waitFor();
    await chartsDrawn(page);
    await shot(tab, fullPage);
  }
  await page.getByRole('tab', { name: words.exports[0] }).click();
  await page.locator('#export-kind').selectOption('winners');
  await page.locator('#export-about', { hasText: words.exports[1] }).waitFor();
  await shot('exports', false);
  await page.close();
}

/** Polls `check` until it holds (the page re-renders after its fetch answers). */
async function waitUntil(check: () => Promise<boolean>) {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('waitUntil: never true');
}

/** The number a stat card shows (digits only). */
async function statValue(page: Page, label: string): Promise<number> {
  const text = await page.locator('.stat', { hasText: label }).first().locator('dd').innerText();
  return Number(text.replace(/[^\d.]/g, ''));
}

describe('analytics in the console', () => {
  test('when a marketer opens Analytics, then the funnel, baskets and heatmap show the demo history', async () => {
    const page = await signedIn(browser.context, 'marketer@tea.example', '/analytics');
    await page.getByRole('heading', { name: 'Proof funnel' }).waitFor();
    await page.locator('[data-analysis=funnel] canvas').waitFor();
    expect(await statValue(page, 'Received')).toBeGreaterThan(1_000);
    await chartsDrawn(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics.en.png') });

    await page.getByRole('tab', { name: 'Baskets' }).click();
    const pairs = page.locator('[data-analysis=pairs] tbody tr');
    await pairs.first().waitFor();
    await chartsDrawn(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics-baskets.en.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Purchase times' }).click();
    await page.locator('table.heatmap tbody tr').nth(6).waitFor();
    await chartsDrawn(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics-time.en.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Stores & regions' }).click();
    await page.locator('[data-analysis=stores] tbody tr').first().waitFor();
    await chartsDrawn(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics-places.en.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Members & cohorts' }).click();
    await page.getByRole('heading', { name: 'Cohorts by first proof week' }).waitFor();
    await page.locator('table.cohorts tbody tr').first().waitFor();
    // On a laptop's width the weeks of cohorts are wider than the card: the table scrolls inside it, the
    // page does not (the charts take the new width a moment after the resize: wait for the page to settle).
    await page.setViewportSize({ width: 900, height: 800 });
    // Measured against the card's own width, not a number of pixels: the table's width follows the fonts
    // the machine has (a machine with Noto Sans as its sans-serif draws it ~30 px narrower than DejaVu Sans).
    const scroller = await page
      .locator('table.cohorts')
      .evaluate((table) => ({ table: table.scrollWidth, card: table.parentElement!.clientWidth }));
    expect(scroller.table).toBeGreaterThan(scroller.card);
    await page.waitForFunction('document.documentElement.scrollWidth <= window.innerWidth');
    await page.setViewportSize({ width: 1280, height: 800 });
    await chartsDrawn(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics-members.en.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Product mapping' }).click();
    await page.locator('[data-analysis=unmapped] tbody tr').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics-products.en.png'), fullPage: true });
    // One click maps the most frequent unmapped name to the chosen product; the list drops it.
    const first = page.locator('[data-analysis=unmapped] tbody tr').first();
    const name = (await first.locator('td').first().innerText()).trim();
    await first.getByRole('button', { name: 'Map' }).click();
    await page.getByText(`“${name}” is now green-tea.`).waitFor();
    await page.locator('[data-analysis=products] .chips li', { hasText: name }).waitFor();
    expect(await page.locator('[data-analysis=unmapped] tbody tr', { hasText: name }).count()).toBe(0);
    await page.close();
  });

  test('when the date range changes and an export is started, then the numbers follow and the file downloads', async () => {
    const page = await signedIn(browser.context, 'marketer@tea.example', '/analytics');
    await page.locator('[data-analysis=funnel] canvas').waitFor();
    const ninetyDays = await statValue(page, 'Received');
    await page.getByLabel('From', { exact: true }).fill('2026-02-16');
    await page.getByLabel('To', { exact: true }).fill('2026-02-28');
    await page.getByRole('button', { name: 'Apply dates' }).click();
    await page.waitForURL(/from=2026-02-16/);
    await waitUntil(async () => (await statValue(page, 'Received')) !== ninetyDays);
    const twoWeeks = await statValue(page, 'Received');
    expect(twoWeeks).toBeGreaterThan(0);
    expect(twoWeeks).toBeLessThan(ninetyDays / 3);
    expect(page.url()).toContain('from=2026-02-16');

    await page.getByRole('tab', { name: 'Exports' }).click();
    await page.getByLabel('Format').selectOption('xlsx');
    await page.getByLabel('Format').selectOption('csv');
    await page.getByRole('button', { name: 'Start export' }).click();
    const row = page.locator('tr[data-export]').first();
    await page.locator('tr[data-export][data-state=queued]').waitFor();
    // The worker's turn (the same use case jobs/exports.job.ts runs).
    const { services } = stack;
    await runExportJobs({ db: services.database.db, blobStore: services.blobStore!, clock: services.clock });
    const link = row.getByRole('link', { name: 'Download' });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = await download.path();
    const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
    expect(header).toBe(
      'submission_id,purchased_at,store,seller_id,region,item_name,product,item_group,quantity,unit_price,amount,currency',
    );
    expect(lines.length).toBeGreaterThan(twoWeeks);
    // Only the chosen fortnight's purchases are in it.
    for (const line of lines) expect(line.split(',')[1]!.slice(0, 10) >= '2026-02-16').toBe(true);

    // Members: a marketer's export has no contact columns.
    await page.locator('#export-kind').selectOption('members');
    await page.locator('#export-about', { hasText: 'owners' }).waitFor();
    await page.getByRole('button', { name: 'Start export' }).click();
    await page.locator('tr[data-export][data-state=queued]', { hasText: 'Members' }).waitFor();
    await runExportJobs({ db: services.database.db, blobStore: services.blobStore!, clock: services.clock });
    const membersRow = page.locator('tr[data-export]', { hasText: 'Members' }).first();
    const membersLink = membersRow.getByRole('link', { name: 'Download' });
    await membersLink.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics-exports.en.png') });
    const [members] = await Promise.all([page.waitForEvent('download'), membersLink.click()]);
    const [membersHeader, ...memberLines] = readFileSync(await members.path(), 'utf8')
      .trim()
      .split('\n');
    expect(membersHeader).toBe(
      'member_id,locale,gender,region,following,registered_at,linked,points_balance,accepted_proofs,erased',
    );
    // (The demo members registered on the real day, outside the chosen fortnight: the header may be all.)
    for (const line of memberLines) expect(line.split(',')).toHaveLength(10);
    await page.close();
  });

  test('when the range holds a campaign event on a day without purchases, then the chart marks it and its table lists the day', async () => {
    // A demo campaign's purchase window ends on a day of this range without purchases.
    const page = await signedIn(
      browser.context,
      'marketer@tea.example',
      '/analytics?tab=time&range=custom&from=2026-02-09&to=2026-05-31',
    );
    await page.locator('[data-analysis=time-days] canvas').waitFor();
    await page.locator('[data-analysis=time-days] .events li').first().waitFor();
    await chartsDrawn(page);
    await page
      .locator('[data-analysis=time-days]')
      .screenshot({ path: join(SCREENSHOTS, 'console-analytics-events.en.png') });
    await page.locator('[data-analysis=time-days] summary').click();
    const end = page.locator('[data-analysis=time-days] tbody tr', { hasText: 'Campaign ends' }).first();
    await end.waitFor();
    const [day, proofs, events] = (await end.locator('td').allInnerTexts()).map((text) => text.trim());
    expect(day).toMatch(/^\d+ \w{3} 2026$/);
    expect([proofs, events]).toEqual(['0', 'Campaign ends']);
    // The days with purchases are there too.
    expect(await page.locator('[data-analysis=time-days] tbody tr').count()).toBeGreaterThan(5);
    await page.close();
  });

  test('in zh-TW, the analytics page speaks Chinese', async () => {
    const page = await signedIn(zhBrowser.context, 'marketer@tea.example', '/analytics?tab=baskets');
    await page.getByRole('heading', { name: '一起購買' }).waitFor();
    await page.locator('[data-analysis=pairs] tbody tr').first().waitFor();
    await chartsDrawn(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics.zh-TW.png') });
    await showTabsFromPlaces(page, 'zh-TW', {
      places: ['門市與地區', '台灣'],
      time: ['購買時段', '購買星期與時段'],
      members: ['會員與世代', '依首次登錄週的會員世代'],
      exports: ['匯出', '稅務'],
    });
  });

  test('in Thai, the analytics page speaks Thai', async () => {
    const page = await signedIn(thBrowser.context, 'marketer@tea.example', '/analytics');
    await page.getByRole('heading', { name: 'ช่องทางของหลักฐาน' }).waitFor();
    await chartsDrawn(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics.th.png') });
    await page.getByRole('tab', { name: 'ตะกร้าสินค้า' }).click();
    await page.getByRole('heading', { name: 'ซื้อคู่กัน' }).waitFor();
    await page.locator('[data-analysis=pairs] tbody tr').first().waitFor();
    await chartsDrawn(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-analytics-baskets.th.png'), fullPage: true });
    await showTabsFromPlaces(page, 'th', {
      places: ['ร้านค้าและภูมิภาค', 'ไต้หวัน'],
      time: ['ช่วงเวลาที่ซื้อ', 'การซื้อตามวันและชั่วโมง'],
      members: ['สมาชิกและกลุ่ม', 'กลุ่มสมาชิกตามสัปดาห์ที่ส่งครั้งแรก'],
      exports: ['ส่งออก', 'ไม่มีข้อมูลภาษี'],
    });
  });
});
