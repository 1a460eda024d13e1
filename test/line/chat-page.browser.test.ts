import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../core/shared/paths.js';
import { DEMO_LIFF_ID } from '../../core/demo/seed-demo.js';
import { surveyAnswers, surveys } from '../../core/surveys/index.js';
import { createLineTestKit, rocDate, taipeiDaysAgo, type LineTestKit } from './line-test-kit.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const PURCHASE_DATE = taipeiDaysAgo(2);

/**
 * The chat page in real headless Chromium: a person picks a fake LINE user, adds the account, types an
 * e-invoice and taps a quick reply; the bot's Flex cards render as readable cards. The screenshot lands
 * in test-results/line-chat.png.
 */
describe('/dev/chat (local mode chat page)', () => {
  let kit: LineTestKit;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  let pump: NodeJS.Timeout;

  beforeAll(async () => {
    kit = await createLineTestKit({
      invoices: [
        {
          invoiceNumber: 'BR20250505',
          invoiceDate: PURCHASE_DATE,
          randomCode: '2468',
          sellerBan: '28414044',
          sellerName: '好茶專賣店',
          totalAmount: 180,
          items: [{ name: '好茶烏龍', quantity: 3, unitPrice: 60 }],
        },
        {
          invoiceNumber: 'BR20250506',
          invoiceDate: PURCHASE_DATE,
          randomCode: '1357',
          sellerBan: '28414044',
          sellerName: '好茶專賣店',
          totalAmount: 180,
          items: [{ name: '好茶烏龍', quantity: 3, unitPrice: 60 }],
        },
      ],
    });
    // The worker, as local mode runs it in-process.
    let busy = false;
    pump = setInterval(() => {
      if (busy) return;
      busy = true;
      void kit
        .drain()
        .catch(() => {})
        .finally(() => {
          busy = false;
        });
    }, 100);
    profile = mkdtempSync(join(tmpdir(), 'proofline-chat-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 460, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
    page = await context.newPage();
  }, HANG_GUARD_MS);

  afterAll(async () => {
    clearInterval(pump);
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await kit?.close();
  });

  test(
    'when a person follows, sends an e-invoice and taps a quick reply, then the bot’s cards render in Chinese',
    async () => {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      await page.goto(`${kit.server.url}/dev/chat`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.selectOption('[data-testid=user]', 'U0000000000000000000000000000a001');
      await page.click('[data-testid=follow]');
      await page.getByText('王小明，歡迎您！').waitFor({ timeout: HANG_GUARD_MS });

      await page.fill('[data-testid=text]', `BR20250505 ${rocDate(PURCHASE_DATE)} 2468`);
      await page.press('[data-testid=text]', 'Enter');
      await page.getByText('登錄成功！').waitFor({ timeout: HANG_GUARD_MS });
      await page.getByText('獲得 18 點').waitFor();

      await page.locator('[data-testid=quick-replies] button', { hasText: '我的點數' }).click();
      await page.getByText('18 點', { exact: true }).waitFor({ timeout: HANG_GUARD_MS });

      mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(projectRoot, 'test-results', 'line-chat.png'), fullPage: true });
      expect(await page.locator('[data-testid=flex]').count()).toBe(3);
      expect(await page.locator('[data-testid=quick-replies] button').count()).toBeGreaterThanOrEqual(3);
      expect(errors).toEqual([]);
    },
    HANG_GUARD_MS,
  );

  test(
    'when the campaign has a single-choice survey, then its choices are quick replies, and a tap sends a postback shown as the choice',
    async () => {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await kit.services.database.db.insert(surveys).values({
        id: kit.services.generateId('survey'),
        brandId: kit.demo.brand.id,
        campaignId: kit.demo.campaign.id,
        title: { 'zh-TW': '小問卷', en: 'Survey' },
        frequency: 'per_proof',
        questions: [
          {
            key: 'where',
            type: 'single',
            required: true,
            label: { 'zh-TW': '您在哪裡購買？', en: 'Where?' },
            options: [
              { key: 'store', label: { 'zh-TW': '門市', en: 'Store' } },
              { key: 'online', label: { 'zh-TW': '網路', en: 'Online' } },
            ],
          },
        ],
      });

      await page.fill('[data-testid=text]', `BR20250506 ${rocDate(PURCHASE_DATE)} 1357`);
      await page.press('[data-testid=text]', 'Enter');
      await page.getByText('您在哪裡購買？').waitFor({ timeout: HANG_GUARD_MS });
      await page.locator('[data-testid=quick-replies] button', { hasText: '門市' }).click();
      await page.getByText('感謝您！').waitFor({ timeout: HANG_GUARD_MS });

      // The tap shows as the member's message (LINE's displayText), and the answer is stored.
      await page.locator('.row.me .bubble', { hasText: '門市' }).waitFor();
      const stored = await kit.services.database.db.select().from(surveyAnswers);
      expect(stored.map((row) => row.answers)).toEqual([{ where: 'store' }]);
      expect(errors).toEqual([]);
    },
    HANG_GUARD_MS,
  );
  test(
    "when the member taps the chat's member-page button, then the local LIFF app opens at that page, signed in as the chat's user",
    async () => {
      await page.selectOption('[data-testid=user]', 'U0000000000000000000000000000a001');
      const button = page.locator('[data-testid=quick-replies] button', { hasText: '會員專區' });
      await button.waitFor({ timeout: HANG_GUARD_MS });
      const [popup] = await Promise.all([context.waitForEvent('page'), button.click()]);
      const opened = new URL(popup.url());
      expect(`${opened.origin}${opened.pathname}`).toBe(`${kit.server.url}/liff/`);
      expect(Object.fromEntries(opened.searchParams)).toMatchObject({
        liffId: DEMO_LIFF_ID,
        mockUser: 'U0000000000000000000000000000a001',
        mockName: '王小明',
        lang: 'zh-TW',
      });
      await popup.close();
    },
    HANG_GUARD_MS,
  );
});
