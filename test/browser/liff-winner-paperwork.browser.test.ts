import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import * as schema from '../../core/db/schema.js';
import { createDraw, runDraw } from '../../core/draws/index.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openPhoneBrowser } from './support/chromium.js';
import { startLiffStack, type LiffStack } from './support/liff-stack.js';

const SHOTS = join(process.cwd(), 'test-results', 'liff');
const UI_MS = UI_HANG_MS;
const USER = `U${'e5'.repeat(16)}`;

/** A member who won a NT$30,000 prize gives the tax details in LIFF "My prizes"; only ciphertext is stored. */
describe('winner paperwork in LIFF', () => {
  let stack: LiffStack;
  let browser: Awaited<ReturnType<typeof openPhoneBrowser>>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startLiffStack();
    // The stack runs in local mode, whose key would be generated under DATA_DIR; the test brings its own.
    stack.services.config.taxDataKey = randomBytes(32).toString('base64');
    browser = await openPhoneBrowser();
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Opens (or reloads: a goto that changes nothing but the hash would not load the page again) My prizes. */
  async function openPrizes(page: Page) {
    if (page.url().startsWith(stack.url)) await page.reload();
    else await page.goto(`${stack.url}/liff/?lang=en&mockUser=${USER}&mockName=Winner#/prizes`);
    await page.locator('body[data-ready="prizes"] [data-page="prizes"]').waitFor({ timeout: UI_MS });
  }

  test('the winner of a prize above NT$1,000 sends name, ID number and address once', async () => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(UI_MS);
    await openPrizes(page);

    // The member now exists (LIFF sign-in made them); they earn an entry and win the draw's only prize.
    const { services, demo } = stack;
    const db = services.database.db;
    const [member] = await db
      .select({ id: schema.members.id })
      .from(schema.members)
      .where(and(eq(schema.members.brandId, demo.brand.id), eq(schema.members.lineUserId, USER)));
    const now = services.clock.now();
    const submissionId = services.generateId('submission');
    await db.insert(schema.submissions).values({
      id: submissionId,
      brandId: demo.brand.id,
      campaignId: demo.campaign.id,
      memberId: member!.id,
      kind: 'einvoice_qr',
      channel: 'liff',
      rawInput: {},
      state: 'accepted',
    });
    await db.insert(schema.lotteryEntries).values({
      id: services.generateId('lotteryEntry'),
      brandId: demo.brand.id,
      campaignId: demo.campaign.id,
      memberId: member!.id,
      submissionId,
      weight: 1,
      earnedAt: new Date(now.getTime() - 3_600_000),
    });
    const draw = await createDraw({
      db,
      generateId: services.generateId,
      brandId: demo.brand.id,
      campaignId: demo.campaign.id,
      name: { en: 'Scooter draw', 'zh-TW': '機車抽獎' },
      periodFrom: new Date(now.getTime() - 86_400_000),
      periodTo: new Date(now.getTime() - 60_000),
      prizes: [
        { key: 'scooter', name: { en: 'Scooter', 'zh-TW': '機車' }, quantity: 1, valueMinor: 30_000_00 },
      ],
    });
    const { winners } = await runDraw({
      db,
      generateId: services.generateId,
      clock: services.clock,
      brandId: demo.brand.id,
      drawId: draw.id,
    });
    const win = winners.find((winner) => winner.memberId === member!.id)!;

    await openPrizes(page);
    const form = page.locator(`[data-testid="tax-form-${win.id}"]`);
    await form.waitFor({ timeout: UI_MS });
    await form.locator('input[name=taxName]').fill('王小明');
    await form.locator('input[name=taxId]').fill('A12345');
    await form.locator('input[name=taxAddress]').fill('台北市信義區市府路 1 號');
    await form.locator('button[type=submit]').click();
    await form.locator('input[name=taxId][aria-invalid=true]').waitFor({ timeout: UI_MS });
    await page.screenshot({ path: join(SHOTS, 'en-prizes-tax-form.png'), fullPage: true });

    await form.locator('input[name=taxId]').fill('A123456789');
    await form.locator('button[type=submit]').click();
    const item = page.locator(`[data-testid="draw-win-${win.id}"]`);
    await item.locator('[data-testid=banner-ok]').waitFor({ timeout: UI_MS });

    const [row] = await db.select().from(schema.drawWinners).where(eq(schema.drawWinners.id, win.id));
    expect(JSON.stringify(row?.taxInfo)).not.toContain('A123456789');
    expect(row?.taxInfo).toMatchObject({ alg: 'aes-256-gcm' });
    // Opened again, the prize says the details were received (no form).
    await openPrizes(page);
    await item.locator('[data-testid=banner-ok]').waitFor({ timeout: UI_MS });
    await expect(page.locator(`[data-testid="tax-form-${win.id}"]`).count()).resolves.toBe(0);
    await page.close();
  });
});
