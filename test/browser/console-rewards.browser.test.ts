import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq, like } from 'drizzle-orm';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { outboundMessages } from '../../core/db/schema.js';
import { drawWinners, lotteryEntries, promoteReserveWinners } from '../../core/draws/index.js';
import { reverseVoidedProof } from '../../core/payouts/index.js';
import { adjustPoints, createMessagingRewardsNotifier, redeemReward } from '../../core/rewards/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { seedDatabase } from '../support/database.js';
import { grantEntries } from '../rewards/session-fixtures.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed } from '../rewards/fixtures.js';
import { openDesktopBrowser } from './support/chromium.js';
import { signInThroughPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');

let stack: ConsoleStack;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  stack = await startConsoleStack({
    // The entries are earned on 28 January; the console runs on 1 February, after the week closed.
    now: '2026-01-28T04:00:00Z',
    seed: async (services) => {
      const seed = rewardsSeed({
        memberCount: 3,
        submissions: [
          [1, 1],
          [2, 2],
        ],
      });
      seed.lineChannels = [
        {
          id: 'chn_rewards',
          brandId: BRAND_ID,
          lineChannelId: '1650000001',
          name: 'TW',
          channelSecret: 'secret',
          channelAccessToken: 'token',
        },
      ];
      await seedDatabase(services.database.db, seed);
      await grantEntries(
        services,
        [
          [1, 1],
          [2, 2],
        ],
        3,
      );
      services.clock.set('2026-02-01T04:00:00Z');
    },
  });
  await stack.addUser('marketer@tea.example', [[BRAND_ID, 'marketer']]);
  await stack.addUser('reviewer@tea.example', [[BRAND_ID, 'reviewer']]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await browser?.close();
  await zhBrowser?.close();
  await stack?.close();
});

/** A 600×400 picture, the kind a marketer uploads. */
function tumblerPicture(): Promise<Buffer> {
  return sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 20, g: 120, b: 90 } } })
    .png()
    .toBuffer();
}

async function signedIn(context: BrowserContext, email: string, path: string): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  page.setDefaultTimeout(UI_HANG_MS);
  await page.goto(`${stack.url}/console/`);
  await page.evaluate('localStorage.clear()');
  await page.reload();
  await signInThroughPage(page, { email });
  await page.goto(`${stack.url}/console${path}`);
  return page;
}

describe('rewards and draws in the console', () => {
  test('when a marketer creates a reward with stock 2, then a member redeems it and the catalog shows 1 left', async () => {
    const page = await signedIn(browser.context, 'marketer@tea.example', '/rewards');
    await page.getByRole('button', { name: 'New reward' }).click();
    await page.getByLabel('Name (English)').fill('Tumbler');
    await page.getByLabel('Name (繁體中文)').fill('環保杯');
    // Validation answers beside the field: no points price yet.
    await page.getByRole('button', { name: 'Create reward' }).click();
    await page.locator('.field-invalid').first().waitFor();
    await page.getByLabel('Points price').fill('10');
    await page.getByLabel('Stock', { exact: true }).fill('2');
    // The picture: a text file is refused beside the field before any upload; a PNG is stored and shown.
    const picture = page.getByLabel('Image', { exact: true });
    await picture.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByText('Choose a JPEG, PNG or WebP picture.').waitFor();
    await picture.setInputFiles({
      name: 'tumbler.png',
      mimeType: 'image/png',
      buffer: await tumblerPicture(),
    });
    await page.locator('[data-testid=reward-image-preview]').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-rewards-image.en.png') });
    await page.getByRole('button', { name: 'Create reward' }).click();
    const row = page.locator('table.data tr', { hasText: 'Tumbler' });
    await row.getByText('2 / 2').waitFor();
    const thumbnail = await row.locator('img.reward-thumb').getAttribute('src');
    expect(thumbnail).toMatch(/^\/reward-images\/brd_rewards\/[0-9a-f]{64}\.jpg$/);
    // Served to anyone (LIFF's <img> carries no session), as a JPEG.
    const served = await page.request.get(`${stack.url}${thumbnail}`);
    expect([served.status(), served.headers()['content-type']]).toEqual([200, 'image/jpeg']);

    // The member redeems it in LIFF (the same use case the LIFF API calls).
    const { services } = stack;
    const rewardId = (await row.locator('.mono').innerText()).trim();
    await adjustPoints({
      db: services.database.db,
      generateId: services.generateId,
      clock: services.clock,
      brandId: BRAND_ID,
      memberId: memberId(1),
      points: 30,
      reason: 'welcome',
      actor: 'test',
    });
    await redeemReward({
      db: services.database.db,
      generateId: services.generateId,
      clock: services.clock,
      notifier: createMessagingRewardsNotifier({ generateId: services.generateId, clock: services.clock }),
      brandId: BRAND_ID,
      memberId: memberId(1),
      rewardId,
      idempotencyKey: 'liff-tap-0001',
    });
    await page.reload();
    await page.locator('table.data tr', { hasText: 'Tumbler' }).getByText('1 / 2').waitFor();
    await page.getByRole('tab', { name: 'Redemptions' }).click();
    await page.locator('table.data tr', { hasText: 'Tumbler' }).waitFor();
    await page.close();
  });

  test('when coupon codes are uploaded as a CSV file, then the count left is shown', async () => {
    const page = await signedIn(browser.context, 'marketer@tea.example', '/rewards');
    await page.getByRole('button', { name: 'New reward' }).click();
    await page.getByLabel('Kind').selectOption('coupon');
    await page.getByLabel('Name (English)').fill('Drink coupon');
    await page.getByLabel('Points price').fill('5');
    await page.getByRole('button', { name: 'Create reward' }).click();
    await page
      .locator('table.data tr', { hasText: 'Drink coupon' })
      .getByRole('button', { name: 'Coupon codes' })
      .click();
    await page.getByLabel(/CSV or text file/).setInputFiles({
      name: 'codes.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('code\nTEA-0001\nTEA-0002\nTEA-0003\nbad code\n'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('3 added, 0 already there, 1 not valid. 3 codes left.').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.locator('table.data tr', { hasText: 'Drink coupon' }).getByText('3 / 3').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-rewards.en.png') });
    await page.close();
  });

  test('when a marketer opens and runs a draw, then the winner is told once and the page says so', async () => {
    const page = await signedIn(browser.context, 'marketer@tea.example', '/draws');
    await page.getByRole('button', { name: 'New draw' }).click();
    await page.getByLabel('Campaign', { exact: true }).last().selectOption(CAMPAIGN_ID);
    await page.getByLabel('Name (English)').fill('Week 5');
    await page.getByLabel('Entries from').fill('2026-01-26T00:00');
    await page.getByLabel(/Entries until/).fill('2026-02-01T00:00');
    await page.getByLabel('Prize', { exact: true }).fill('Bike');
    await page.getByLabel(/must be reviewed by a person/).check();
    await page.getByRole('button', { name: 'Open draw' }).click();
    await page.getByText('Published seed hash').waitFor();
    await page.getByRole('button', { name: 'Run the draw' }).click();
    await page
      .getByText(/Message queued/)
      .first()
      .waitFor();

    const messages = await stack.services.database.db
      .select()
      .from(outboundMessages)
      .where(like(outboundMessages.dedupeKey, 'draw-win:%'));
    expect(messages).toHaveLength(1);
    await page.getByText(/photo proofs reviewed before winners are told/).waitFor();

    // The MoF platform later reports the winning invoice voided: the proof is taken back, the win
    // forfeited with its reason, and the reserve steps up (the re-check's own steps, run directly here).
    const [winner] = await stack.services.database.db
      .select()
      .from(drawWinners)
      .where(eq(drawWinners.isReserve, false));
    const [entry] = await stack.services.database.db
      .select()
      .from(lotteryEntries)
      .where(eq(lotteryEntries.id, winner!.entryId));
    const { db } = stack.services.database;
    const { generateId, clock } = stack.services;
    await reverseVoidedProof({ db, generateId, clock, submissionId: entry!.submissionId });
    await promoteReserveWinners({ db, clock, brandId: BRAND_ID, drawId: winner!.drawId });
    await page.reload();
    await page.getByText('Invoice voided or returned (MoF re-check)').waitFor();
    await page.getByText(/Steps up for #1/).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-draws.en.png') });
    await page.close();
  });

  test('in zh-TW, the rewards and draws pages speak Chinese', async () => {
    const page = await signedIn(zhBrowser.context, 'marketer@tea.example', '/rewards');
    await page.getByRole('heading', { name: '獎勵' }).waitFor();
    await page.getByText('環保杯').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-rewards.zh-TW.png') });
    await page.locator('table.data tr', { hasText: '環保杯' }).getByRole('button', { name: '編輯' }).click();
    await page.locator('[data-testid=reward-image-preview]').waitFor();
    await page.getByText('JPEG、PNG 或 WebP，最大 5 MB').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-rewards-image.zh-TW.png') });
    await page.goto(`${stack.url}/console/draws`);
    await page.getByRole('button', { name: '詳細' }).first().click();
    await page.getByText('已公布的種子雜湊').waitFor();
    await page.getByText('發票已作廢或退貨（財政部平台複查）').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-draws.zh-TW.png') });
    await page.close();
  });

  test('when a reviewer signs in, then Rewards is not offered and a typed URL is refused', async () => {
    const page = await signedIn(browser.context, 'reviewer@tea.example', '/rewards');
    await page.getByText('Your role on this brand cannot open this page.').waitFor();
    expect(await page.locator('nav.nav a', { hasText: 'Rewards' }).count()).toBe(0);
    await page.close();
  });
});
