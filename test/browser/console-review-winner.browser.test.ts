import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { seedDemoReview } from '../../core/demo/seed-demo-review.js';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import { createDraw, drawWinners, runDraw } from '../../core/draws/index.js';
import { outboundMessages } from '../../core/messaging/index.js';
import { settleDrawWinners } from '../../core/payouts/index.js';
import { grantRewardsForSubmission } from '../../core/rewards/index.js';
import { submissions } from '../../core/submissions/index.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { signInThroughPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

/** Where the screenshots of this page go (looked at by a person after a console change, not committed). */
const SHOTS = process.env.SHOTS_DIR;

let stack: ConsoleStack;
let demo: DemoSeed;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };
/** The photo behind the held win, and the win. */
let heldProof: string;
let winnerId: string;

beforeAll(async () => {
  stack = await startConsoleStack({
    seed: async (services) => {
      services.blobStore = buildMemoryBlobStore();
      demo = await seedDemo(services);
      await seedDemoReview(services, demo);
    },
  });
  const { db } = stack.services.database;
  const { clock, generateId } = stack.services;
  // The newest queued photo was accepted without a person (auto-accept) and earned a draw entry.
  const [newest] = await db
    .select()
    .from(submissions)
    .where(and(eq(submissions.brandId, demo.brand.id), eq(submissions.state, 'in_review')))
    .orderBy(submissions.createdAt)
    .then((rows) => rows.slice(-1));
  heldProof = newest!.id;
  await db
    .update(submissions)
    .set({ state: 'accepted', decidedAt: clock.now() })
    .where(eq(submissions.id, heldProof));
  await db.transaction((tx) =>
    grantRewardsForSubmission({
      tx,
      generateId,
      clock,
      submission: {
        id: heldProof,
        brandId: demo.brand.id,
        campaignId: demo.campaign.id,
        memberId: newest!.memberId,
      },
      quantities: { points: 5, entries: 1, instantWin: 0 },
    }),
  );
  const now = clock.now();
  const draw = await createDraw({
    db,
    generateId,
    brandId: demo.brand.id,
    campaignId: demo.campaign.id,
    name: { 'zh-TW': '週抽', th: 'จับรางวัลประจำสัปดาห์', en: 'Weekly draw' },
    periodFrom: new Date(now.getTime() - 60_000),
    periodTo: new Date(now.getTime() + 60_000),
    prizes: [{ key: 'scooter', name: { en: 'Scooter', 'zh-TW': '機車' }, quantity: 1 }],
    requireReviewedProofs: true,
  });
  clock.advanceBy(120_000);
  await runDraw({ db, generateId, clock, brandId: demo.brand.id, drawId: draw.id });
  const settled = await settleDrawWinners(
    {
      db,
      generateId,
      clock,
      platform: () => {
        throw new Error('photo proofs ask no platform');
      },
    },
    { brandId: demo.brand.id, drawId: draw.id },
  );
  expect(settled.heldForReview).toBe(1);
  winnerId = (await db.select().from(drawWinners).where(eq(drawWinners.drawId, draw.id)))[0]!.id;
  await stack.addUser('reviewer@tea.example', [[demo.brand.id, 'reviewer']]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, HANG_GUARD_MS);

afterAll(async () => {
  await browser?.close();
  await zhBrowser?.close();
  await stack?.close();
});

async function signedIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(UI_HANG_MS);
  await page.goto(`${stack.url}/console/review`);
  await signInThroughPage(page, { email: 'reviewer@tea.example' });
  return page;
}

describe('the review page puts a waiting draw winner first', () => {
  test('the held winner’s photo leads the queue, marked, in zh-TW too', async () => {
    const page = await signedIn(zhBrowser.context);
    await page.locator(`.review-page[data-item="${heldProof}"]`).waitFor();
    await expect(page.locator('.queue-item').first().innerText()).resolves.toContain('中獎者等待中');
    await expect(page.locator('.review-main').innerText()).resolves.toContain('有抽獎中獎者在等這張照片');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'review-winner.zh-TW.png') });
    await page.close();
  });

  test('pressing A on it confirms the photo and tells the winner once; the next item is an ordinary one', async () => {
    const page = await signedIn(browser.context);
    await page.locator(`.review-page[data-item="${heldProof}"]`).waitFor();
    await expect(page.locator('.queue-item.current').innerText()).resolves.toContain('Draw winner waiting');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'review-winner.en.png') });

    await page.keyboard.press('a');
    await page.locator(`.review-page:not([data-item="${heldProof}"])`).waitFor();
    await expect(page.locator('.banner').first().innerText()).resolves.toContain('1 winner(s) told');

    const { db } = stack.services.database;
    const told = await db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.dedupeKey, `draw-win:${winnerId}`));
    expect(told).toHaveLength(1);
    const [proof] = await db.select().from(submissions).where(eq(submissions.id, heldProof));
    expect(proof).toMatchObject({ state: 'accepted', reviewedBy: expect.any(String) });
    await expect(page.locator('.queue-item').first().innerText()).resolves.not.toContain(
      'Draw winner waiting',
    );
    await page.close();
  });
});
