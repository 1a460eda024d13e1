import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { auditLog } from '../../core/audit/index.js';
import { brands } from '../../core/brands/index.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { seedDatabase } from '../support/database.js';
import { simAdminAt } from '../support/line-sim-admin.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { openSignedInPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

/** Screenshots to look at, not kept in the repository. */
const SHOTS = process.env.SHOTS_DIR ?? join(tmpdir(), 'shots-broadcast-settings');
const BRAND = 'brd_bsb';
/** A Thai brand: its plan figures are not confirmed by any stored source. */
const TH_BRAND = 'brd_bsbth';
/** 12:00 in Taipei. */
const NOW = '2026-03-10T04:00:00Z';
const CHANNEL = { lineChannelId: '2400000051', channelAccessToken: 'bsb-token' };
const lineIdOf = (n: number) => `U${(0xc000 + n).toString(16).padStart(32, '0')}`;

let sim: LineSimulator;
let stack: ConsoleStack;
let browser: { context: BrowserContext; close: () => Promise<void> };
let thBrowser: { context: BrowserContext; close: () => Promise<void> };
const simAdmin = simAdminAt(() => sim.url);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sim = await startLineSimulator();
  sim.state.channels.set(CHANNEL.lineChannelId, {
    ...CHANNEL,
    channelSecret: 's',
    webhookUrl: undefined,
    defaultRichMenuId: undefined,
  });
  await simAdmin('POST', '/__sim/friends', {
    channelId: CHANNEL.lineChannelId,
    users: [1, 2, 3, 4, 5].map((n) => ({ userId: lineIdOf(n) })),
  });
  // 198 of the free plan's 200 messages used this month: 2 left for 5 recipients.
  await simAdmin('PUT', `/__sim/quota-usage/${CHANNEL.lineChannelId}`, { totalUsage: 198 });
  stack = await startConsoleStack({
    now: NOW,
    config: { line: { apiBaseUrl: sim.url, dataApiBaseUrl: sim.url } } as never,
    seed: (services) =>
      seedDatabase(services.database.db, {
        brands: [
          {
            id: BRAND,
            slug: 'bsb',
            name: '好茶',
            country: 'TW',
            defaultLocale: 'zh-TW',
            timezone: 'Asia/Taipei',
          },
          {
            id: TH_BRAND,
            slug: 'bsbth',
            name: 'ชาดี',
            country: 'TH',
            defaultLocale: 'th',
            timezone: 'Asia/Bangkok',
          },
        ],
        lineChannels: [{ id: 'chn_bsb', brandId: BRAND, name: 'TW', channelSecret: 's', ...CHANNEL }],
        members: [1, 2, 3, 4, 5].map((n) => ({
          id: `mbr_bsb${n}`,
          brandId: BRAND,
          lineUserId: lineIdOf(n),
          locale: 'zh-TW' as const,
          displayName: `Member ${n}`,
        })),
      }),
  });
  await stack.addUser('owner@tea.example', [[BRAND, 'owner']]);
  await stack.addUser('marketer@tea.example', [[BRAND, 'marketer']]);
  await stack.addUser('owner@cha.example', [[TH_BRAND, 'owner']]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  thBrowser = await openDesktopBrowser({ locale: 'th-TH' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await browser?.close();
  await thBrowser?.close();
  await stack?.close();
  await sim?.close();
});

function signedIn(context: BrowserContext, email: string, path: string): Promise<Page> {
  return openSignedInPage(stack, context, { email, path, timeout: UI_HANG_MS });
}

async function review(page: Page) {
  await page.getByRole('button', { name: 'New broadcast' }).click();
  await page.getByTestId('segment-count').waitFor();
  await page.getByLabel('Text (繁體中文)').fill('好茶新品上市，本週點數加倍！');
  await page.getByRole('button', { name: 'Review and check quota' }).click();
  await page.getByTestId('review-reachable').filter({ hasText: '5' }).waitFor();
}

describe('broadcast settings in the console', () => {
  test('when the owner sets quiet hours, the cap and the free plan, then a bad cap is named beside its field and the change is saved and audited', async () => {
    const page = await signedIn(browser.context, 'owner@tea.example', '/settings');
    const form = page.getByTestId('bs-form');
    await form.getByRole('heading', { name: 'Broadcasts' }).waitFor();
    expect(await form.getByLabel('From').inputValue()).toBe('21:00');
    expect(await form.getByLabel('Until').inputValue()).toBe('09:00');

    await form.getByLabel('From').fill('22:00');
    await form.getByLabel('Until').fill('08:30');
    await form.getByLabel('At most … marketing messages').fill('51');
    await form.getByLabel('Plan').selectOption('tw_light');
    await form.getByRole('button', { name: 'Save broadcast settings' }).click();
    await form.getByText('the cap is 0 to 50 messages (0: no cap)').first().waitFor();

    await form.getByLabel('At most … marketing messages').fill('3');
    await form.getByLabel('Within … days').fill('14');
    await form.getByRole('button', { name: 'Save broadcast settings' }).click();
    await form.getByText('The broadcast settings are saved.').waitFor();
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'settings-broadcasts.en.png'), fullPage: true });

    const [brand] = await stack.services.database.db.select().from(brands).where(eq(brands.id, BRAND));
    expect(brand).toMatchObject({
      quietHoursStart: 22 * 60,
      quietHoursEnd: 8 * 60 + 30,
      frequencyCapMessages: 3,
      frequencyCapDays: 14,
      linePlan: 'tw_light',
    });
    const audits = await stack.services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'settings.broadcasts_updated'));
    expect(audits).toHaveLength(1);
    await page.close();
  });

  test("when a marketer reviews a send the free plan's 2 messages left cannot cover, then the composer says so and will not send", async () => {
    const page = await signedIn(browser.context, 'marketer@tea.example', '/broadcasts');
    await review(page);

    await page.getByTestId('review-plan').filter({ hasText: '輕用量 Light' }).waitFor();
    await page
      .getByText('The 輕用量 Light plan has 2 messages left this month and cannot send more: 5 are needed.', {
        exact: false,
      })
      .waitFor();
    await page.getByTestId('review-cost').filter({ hasText: 'None: this plan cannot send it' }).waitFor();
    expect(await page.getByRole('button', { name: 'Send now' }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'composer-refused.en.png'), fullPage: true });
    await page.close();
  });

  test('when the owner moves to the high-usage plan, then the composer prices the 3 additional messages at NT$0.2', async () => {
    const owner = await signedIn(browser.context, 'owner@tea.example', '/settings');
    const form = owner.getByTestId('bs-form');
    await form.getByLabel('Plan').selectOption('tw_high');
    await form.getByRole('button', { name: 'Save broadcast settings' }).click();
    await form.getByText('The broadcast settings are saved.').waitFor();
    await owner.close();
    // 5,998 of 6,000 used: 2 within the plan, 3 additional.
    await simAdmin('PUT', `/__sim/quota-usage/${CHANNEL.lineChannelId}`, { totalUsage: 5_998 });

    const page = await signedIn(browser.context, 'marketer@tea.example', '/broadcasts');
    await review(page);
    await page
      .getByTestId('review-plan')
      .filter({ hasText: '2 of the 2 messages left this month, 3 additional' })
      .waitFor();
    await page
      .getByTestId('review-cost')
      .filter({ hasText: /NT\$0\.60|\$0\.60/ })
      .waitFor();
    expect(await page.getByRole('button', { name: 'Send now' }).isDisabled()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'composer-cost.en.png'), fullPage: true });
    await page.close();
  });

  test('when read in Thai, then the broadcast settings speak Thai', async () => {
    const page = await signedIn(thBrowser.context, 'marketer@tea.example', '/settings');
    const form = page.getByTestId('bs-form');
    await form.getByRole('heading', { name: 'บรอดแคสต์' }).waitFor();
    await form.getByText('ช่วงห้ามรบกวน', { exact: true }).waitFor();
    // A marketer reads them: nothing to save.
    expect(await form.getByRole('button').count()).toBe(0);
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'settings-broadcasts.th.png'), fullPage: true });
    await page.close();
  });

  test("when a Thai brand's owner picks the Basic plan, then the form says its figures are not confirmed and asks for the brand's own", async () => {
    const page = await signedIn(thBrowser.context, 'owner@cha.example', '/settings');
    const form = page.getByTestId('bs-form');
    await form.getByRole('heading', { name: 'บรอดแคสต์' }).waitFor();
    expect(await form.getByTestId('bs-plan-unconfirmed').count()).toBe(0);
    await form.getByLabel('แพ็กเกจ', { exact: true }).selectOption('th_basic');
    await form.getByTestId('bs-plan-unconfirmed').filter({ hasText: 'ยังยืนยันตัวเลขของแพ็กเกจ Basic' }).waitFor();
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'settings-broadcasts-th-plan.th.png'), fullPage: true });
    await page.close();
  });

  test("when a Thai brand's owner composes a broadcast, then what it does if quiet hours begin mid-send speaks Thai and starts from the brand's setting", async () => {
    const page = await signedIn(thBrowser.context, 'owner@cha.example', '/broadcasts');
    await page.getByRole('button', { name: 'สร้างบรอดแคสต์ใหม่' }).click();
    const midSend = page.getByLabel('เมื่อเข้าช่วงห้ามรบกวนระหว่างการส่ง');
    await midSend
      .locator('option', { hasText: 'ส่วนที่เหลือรอจนสิ้นสุดช่วง (ค่าของแบรนด์)' })
      .waitFor({ state: 'attached' });
    expect(await midSend.inputValue()).toBe('wait');
    await page.getByTestId('send-rules').filter({ hasText: 'ช่วงห้ามรบกวน 21:00–09:00' }).waitFor();
    await page.locator('.new-broadcast > fieldset').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'composer-mid-send.th.png') });
    await page.close();
  });
});
