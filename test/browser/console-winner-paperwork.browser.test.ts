import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createDraw, runDraw, submitWinnerTaxData, buildTaxDataCipher } from '../../core/draws/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { seedDatabase } from '../support/database.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { BRAND_ID, CAMPAIGN_ID, rewardsSeed } from '../rewards/fixtures.js';
import { grantEntries } from '../rewards/session-fixtures.js';
import { openDesktopBrowser } from './support/chromium.js';
import { openSignedInPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
const UI_MS = UI_HANG_MS;
const THAI_BRAND = 'brd_thai_draws';

let stack: ConsoleStack;
let drawId: string;
let thaiDrawId: string;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  stack = await startConsoleStack({
    now: '2026-01-28T04:00:00Z',
    config: { taxDataKey: randomBytes(32).toString('base64') },
    seed: async (services) => {
      const seed = rewardsSeed({
        memberCount: 2,
        submissions: [
          [1, 1],
          [2, 2],
        ],
      });
      seed.brands!.push({
        id: THAI_BRAND,
        slug: 'thai-draws',
        name: 'ชาดี',
        country: 'TH',
        defaultLocale: 'th',
        timezone: 'Asia/Bangkok',
      });
      seed.campaigns!.push({
        ...seed.campaigns![0]!,
        id: 'cmp_thai_draws',
        brandId: THAI_BRAND,
        slug: 'thai-2026',
        currency: 'THB',
        timezone: 'Asia/Bangkok',
      });
      await seedDatabase(services.database.db, seed);
      await grantEntries(
        services,
        [
          [1, 1],
          [2, 2],
        ],
        2,
      );
      const deps = { db: services.database.db, generateId: services.generateId };
      const draw = await createDraw({
        ...deps,
        brandId: BRAND_ID,
        campaignId: CAMPAIGN_ID,
        name: { en: 'Week 4', 'zh-TW': '第四週' },
        periodFrom: new Date('2026-01-19T00:00:00Z'),
        periodTo: new Date('2026-02-01T00:00:00Z'),
        prizes: [
          { key: 'scooter', name: { en: 'Scooter', 'zh-TW': '機車' }, quantity: 1, valueMinor: 30_000_00 },
          { key: 'speaker', name: { en: 'Speaker', 'zh-TW': '喇叭' }, quantity: 1, valueMinor: 3_000_00 },
        ],
      });
      drawId = draw.id;
      thaiDrawId = (
        await createDraw({
          ...deps,
          brandId: THAI_BRAND,
          campaignId: 'cmp_thai_draws',
          name: { en: 'Songkran draw', th: 'จับรางวัลสงกรานต์' },
          periodFrom: new Date('2026-01-19T00:00:00Z'),
          periodTo: new Date('2026-04-20T00:00:00Z'),
          prizes: [{ key: 'gold', name: { th: 'ทองคำ' }, quantity: 1, valueMinor: 20_000_00 }],
        })
      ).id;
      services.clock.set('2026-02-01T04:00:00Z');
      const { winners } = await runDraw({ ...deps, clock: services.clock, brandId: BRAND_ID, drawId });
      // The scooter's winner gave their details in LIFF (the same use case the LIFF route calls).
      const scooter = winners.find((winner) => winner.prizeKey === 'scooter')!;
      await submitWinnerTaxData({
        db: services.database.db,
        cipher: buildTaxDataCipher(services.config),
        clock: services.clock,
        brandId: BRAND_ID,
        memberId: scooter.memberId,
        winnerId: scooter.id,
        data: { name: '王小明', idNumber: 'A123456789', address: '台北市信義區市府路 1 號', resident: true },
      });
    },
  });
  await stack.addUser('owner@tea.example', [
    [BRAND_ID, 'owner'],
    [THAI_BRAND, 'owner'],
  ]);
  await stack.addUser('marketer@tea.example', [[BRAND_ID, 'marketer']]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await browser?.close();
  await zhBrowser?.close();
  await stack?.close();
});

/** The owner works for two brands: picks one in the top bar (the page reloads for it). */
async function useBrand(page: Page, slug: string) {
  const select = page.locator('select[data-testid=brand]');
  await select.waitFor({ timeout: UI_MS });
  await select.selectOption(slug);
}

describe('winner paperwork on the Draws page', () => {
  test('an owner sees the winners’ tax data with the withholding; a marketer does not', async () => {
    const page = await openSignedInPage(stack, browser.context, {
      email: 'owner@tea.example',
      path: `/draws?draw=${drawId}`,
      timeout: UI_MS,
    });
    await useBrand(page, 'rewards');
    const panel = page.locator('.tax-paperwork');
    await panel.locator('tbody tr').first().waitFor({ timeout: UI_MS });

    const text = await panel.innerText();
    expect(text).toContain('A123456789');
    expect(text).toContain('NT$3,000');
    expect(text).toContain('NT$633');
    expect(text).toContain('Not given yet');
    await expect(panel.locator('tbody tr').count()).resolves.toBe(2);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-draws-tax.en.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_MS }),
      panel.getByRole('button', { name: 'Download for the accountant (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${drawId}-tax.csv`);
    await page.close();

    const marketer = await openSignedInPage(stack, browser.context, {
      email: 'marketer@tea.example',
      path: `/draws?draw=${drawId}`,
      timeout: UI_MS,
    });
    await marketer.locator('table.data tbody tr').first().waitFor({ timeout: UI_MS });
    await expect(marketer.locator('.tax-paperwork').count()).resolves.toBe(0);
    await marketer.close();
  });

  test('in zh-TW the paperwork speaks Chinese; a Thai draw takes its permit', async () => {
    const page = await openSignedInPage(stack, zhBrowser.context, {
      email: 'owner@tea.example',
      path: `/draws?draw=${drawId}`,
      timeout: UI_MS,
    });
    await useBrand(page, 'rewards');
    await page.locator('.tax-paperwork tbody tr').first().waitFor({ timeout: UI_MS });
    await expect(page.locator('.tax-paperwork').innerText()).resolves.toContain('扣繳');
    await page.locator('.tax-paperwork').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-draws-tax.zh-TW.png') });
    await page.close();

    const thai = await openSignedInPage(stack, browser.context, {
      email: 'owner@tea.example',
      path: `/draws?draw=${thaiDrawId}`,
      timeout: UI_MS,
    });
    await useBrand(thai, 'thai-draws');
    await thai.locator('.draw-permit input[name=permitNumber]').fill('12/2569');
    await thai.locator('.draw-permit input[name=permitProvince]').fill('กรุงเทพมหานคร');
    await thai.locator('.draw-permit button[type=submit]').click();
    await thai.locator('.draw-permit .banner-success').waitFor({ timeout: UI_MS });
    await thai.screenshot({ path: join(SCREENSHOTS, 'console-draws-permit.en.png') });
    const published = await thai.request.get(`${stack.url}/api/public/draws/${thaiDrawId}`, {
      timeout: UI_MS,
    });
    expect((await published.json()).draw).toMatchObject({
      permitNumber: '12/2569',
      permitProvince: 'กรุงเทพมหานคร',
    });
    await thai.close();
  });
});

describe('the public draw page', () => {
  test('the Draws page links to it; without a session it shows the seed, entries and winners, in en and zh-TW', async () => {
    for (const [locale, context, texts] of [
      [
        'en',
        browser.context,
        ['Draw verification: Week 4', 'Scooter', '2 entries, 4 chances', 'draw verify'],
      ],
      ['zh-TW', zhBrowser.context, ['抽獎驗證：第四週', '機車', '2 筆登錄，共 4 次機會']],
    ] as const) {
      const page = await openSignedInPage(stack, context, {
        email: 'owner@tea.example',
        path: `/draws?draw=${drawId}`,
        timeout: UI_MS,
      });
      await useBrand(page, 'rewards');
      const link = page.locator('[data-testid=public-draw-link]');
      await link.waitFor({ timeout: UI_MS });
      const [publicPage] = await Promise.all([
        context.waitForEvent('page', { timeout: UI_MS }),
        link.click(),
      ]);
      await publicPage.locator('[data-testid=seed]').waitFor({ timeout: UI_MS });

      expect(new URL(publicPage.url()).pathname).toBe(`/draws/${drawId}`);
      const text = await publicPage.locator('main').innerText();
      for (const expected of texts) expect(text).toContain(expected);
      await expect(publicPage.locator('[data-testid=pick]').count()).resolves.toBe(2);
      await expect(publicPage.locator('html').getAttribute('lang')).resolves.toBe(locale);
      await publicPage.screenshot({ path: join(SCREENSHOTS, `public-draw.${locale}.png`) });
      await publicPage.locator('[data-testid=pick]').first().scrollIntoViewIfNeeded();
      await publicPage.screenshot({ path: join(SCREENSHOTS, `public-draw-winners.${locale}.png`) });
      await publicPage.close();
      await page.close();
    }

    // The session cookie is scoped to /api/console, so the page never sees it; in Thai by ?lang.
    const page = await browser.context.newPage();
    await page.goto(`${stack.url}/draws/${drawId}?lang=th`);
    await expect(page.locator('h1').innerText()).resolves.toContain('ตรวจสอบการจับรางวัล');
    await page.close();
  });
});
