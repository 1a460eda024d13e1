import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { APIRequestContext, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { DEMO_LINE_CHANNEL_ID } from '../../core/demo/seed-demo.js';
import { DEMO_THAI_LINE_CHANNEL_ID } from '../../core/demo/seed-demo-thai.js';
import { projectRoot } from '../../core/shared/paths.js';
import { startCli, type RunningCli } from '../support/cli.js';
import { openDesktopBrowser, openPhoneBrowser } from './support/chromium.js';
import { signInThroughPage } from './support/console-stack.js';
import { UI_HANG_MS } from '../support/timing.js';

const SHOTS = join(projectRoot, 'docs', 'screenshots');
/** Real OCR, a real PGlite and a busy CI machine: generous waits (they end as soon as the page is there). */
const SLOW = UI_HANG_MS;

/**
 * A member's whole journey through `npm start`'s local mode, for each demo brand in its own language:
 * the real process (PGlite, the LINE, MoF and membership simulators, offline OCR, the seeded demo), the
 * chat simulator page and the LIFF app in Chromium. Follow, send a proof, open the member page from the
 * chat's button, register with a local phone number, see the history in words, scratch the card,
 * redeem a reward, and hear from the draw the marketer runs in the console. Each step is a screenshot
 * under docs/screenshots/journey-<brand>-*.png.
 */
describe('a member’s journey through local mode, Taiwan and Thailand', () => {
  let app: RunningCli;
  let base: string;
  let dir: string;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let desktop: { context: BrowserContext; close: () => Promise<void> } | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'proofline-journey-'));
    mkdirSync(SHOTS, { recursive: true });
    app = startCli(['start'], {
      PORT: '0',
      PGLITE_DATA_DIR: join(dir, 'db'),
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
    });
    const [, url] = await app.waitFor(
      /chat with the bot \(simulated LINE\): (http:\/\/\S+)\/dev\/chat/,
      SLOW,
    );
    base = url!;
    browser = await openPhoneBrowser();
  }, SLOW);

  afterAll(async () => {
    await browser?.close();
    await desktop?.close();
    if (app) {
      app.child.kill('SIGINT');
      await app.exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const shot = (page: Page, brand: string, step: string) =>
    page.screenshot({ path: join(SHOTS, `journey-${brand}-${step}.png`), fullPage: true });

  async function openChat(channelId: string, userId: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${base}/dev/chat`);
    await page.locator('[data-testid=user] option').first().waitFor({ state: 'attached', timeout: SLOW });
    await page.selectOption('[data-testid=channel]', channelId);
    await page.selectOption('[data-testid=user]', userId);
    await page.click('[data-testid=follow]');
    return page;
  }

  /** The bot's latest card that holds `text` (cards render as `.row.bot` in the chat page). */
  const botSays = (page: Page, text: string) => page.locator('[data-testid=log]', { hasText: text });

  async function openLiffFromChat(chat: Page, buttonLabel: string, route: string): Promise<Page> {
    const button = chat.locator('[data-testid=log] button', { hasText: buttonLabel }).last();
    await button.waitFor({ timeout: SLOW });
    const [liff] = await Promise.all([browser.context.waitForEvent('page'), button.click()]);
    await ready(liff, route);
    return liff;
  }

  async function ready(page: Page, route: string) {
    await page.waitForSelector(`body[data-ready="${route}"]`, { timeout: SLOW });
    await page.waitForSelector(`[data-page="${route}"]`, { timeout: SLOW });
  }

  async function go(page: Page, route: string) {
    if (new URL(page.url()).hash === `#/${route}`) return;
    await page.evaluate((r) => {
      const w = globalThis as unknown as {
        document: { body: { dataset: Record<string, string> } };
        location: { hash: string };
      };
      w.document.body.dataset.ready = '';
      w.location.hash = `#/${r}`;
    }, route);
    await ready(page, route);
  }

  async function register(liff: Page, profile: { name: string; phone: string; region: string }) {
    await go(liff, 'register');
    await liff.fill('input[name="name"]', profile.name);
    await liff.fill('input[name="phone"]', profile.phone);
    await liff.fill('input[name="email"]', 'member@example.com');
    await liff.selectOption('select[name="gender"]', 'undisclosed');
    await liff.selectOption('select[name="region"]', profile.region);
    await liff.fill('input[name="birthday"]', '1991-06-20');
    await liff.check('input[name="data_processing"]');
    await liff.click('form button[type="submit"]');
    await liff.waitForSelector('[data-testid="banner-ok"]', { timeout: SLOW });
    await ready(liff, 'home');
  }

  async function scratch(liff: Page) {
    await go(liff, 'prizes');
    await liff.locator('[data-testid^="scratch-play-"]').first().click();
    await liff.locator('[data-testid="scratch-result"]:not(:empty)').first().waitFor({ timeout: SLOW });
  }

  async function redeemAffordable(liff: Page): Promise<void> {
    await go(liff, 'rewards');
    await liff.locator('[data-testid^="redeem-button-"]:not([disabled])').first().click();
    await liff.waitForSelector('[data-testid="redeem-result"] .banner', { timeout: SLOW });
  }

  /** The console in a desktop browser, signed in as the demo marketer, on `brand`. */
  async function openConsole(brand: string, path: string): Promise<Page> {
    desktop ??= await openDesktopBrowser();
    const page = await desktop.context.newPage();
    page.setDefaultTimeout(SLOW);
    await page.goto(`${base}/console/`);
    await page.evaluate(`localStorage.setItem('proofline.console.brand', '${brand}')`);
    await page.reload();
    await signInThroughPage(page, { email: 'demo@proofline.local', password: 'proofline-demo' });
    await page.goto(`${base}/console${path}`);
    return page;
  }

  async function stockReward(
    page: Page,
    reward: { name: string; points: number; stock: number; picture?: Buffer },
  ) {
    await page.getByRole('button', { name: 'New reward' }).click();
    await page.getByLabel('Name (English)').fill(reward.name);
    await page.getByLabel('Name (繁體中文)').fill(reward.name);
    await page.getByLabel('Points price').fill(String(reward.points));
    await page.getByLabel('Stock', { exact: true }).fill(String(reward.stock));
    if (reward.picture) {
      await page.getByLabel('Image', { exact: true }).setInputFiles({
        name: 'reward.png',
        mimeType: 'image/png',
        buffer: reward.picture,
      });
      await page.locator('[data-testid=reward-image-preview]').waitFor();
    }
    await page.getByRole('button', { name: 'Create reward' }).click();
    const row = page.locator('table.data tr', { hasText: reward.name });
    await row.getByText(`${reward.stock} / ${reward.stock}`).waitFor();
    return (await row.locator('.mono').innerText()).trim();
  }

  /** The marketer's side, over the console API with a signed-in session (as the console app calls it). */
  async function consoleApi(): Promise<APIRequestContext> {
    const request = browser.context.request;
    const signIn = await request.post(`${base}/api/console/session`, {
      data: { email: 'demo@proofline.local', password: 'proofline-demo' },
    });
    expect(signIn.status()).toBe(201);
    return request;
  }

  async function runDrawNow(brand: string, campaign: string, since: Date) {
    const request = await consoleApi();
    const headers = { 'x-proofline-brand': brand };
    const created = await request.post(`${base}/api/console/draws`, {
      headers,
      data: {
        campaign,
        name: { 'zh-TW': '今日抽獎', th: 'จับรางวัลวันนี้', en: 'Today’s draw' },
        periodFrom: since.toISOString(),
        periodTo: new Date().toISOString(),
        prizes: [
          { key: 'hamper', name: { 'zh-TW': '好茶禮盒', th: 'กระเช้าชา', en: 'Tea hamper' }, quantity: 1 },
        ],
      },
    });
    expect(created.status()).toBe(201);
    const { draw } = (await created.json()) as { draw: { id: string } };
    const run = await request.post(`${base}/api/console/draws/${draw.id}/run`, { headers, data: {} });
    expect(run.status()).toBe(200);
    const { winners } = (await run.json()) as { winners: { rank: number; memberName: string | null }[] };
    return winners;
  }

  test('Taiwan (demo-tea, zh-TW): a typed e-invoice earns points and a scratch card, then registration, history, a reward the marketer stocks in the console and a draw prize', async () => {
    const since = new Date(Date.now() - 1_000);
    const chat = await openChat(DEMO_LINE_CHANNEL_ID, 'U0000000000000000000000000000a001');
    await botSays(chat, '歡迎').waitFor({ timeout: SLOW });
    await shot(chat, 'tw', '01-follow');

    // BN61755155 (2024-08-05): NT$208 of green tea, 1 point per NT$10 → 20 points, an entry, a scratch card.
    await chat.fill('[data-testid=text]', 'BN61755155 1130805 4632');
    await chat.click('[data-testid=send]');
    await botSays(chat, '獲得 20 點').waitFor({ timeout: SLOW });
    await botSays(chat, '你獲得一張刮刮卡！').waitFor();
    await shot(chat, 'tw', '02-accepted');

    // The card's button opens the local LIFF app at "My prizes", signed in as the chat's user.
    const liff = await openLiffFromChat(chat, '馬上刮', 'prizes');
    expect(await liff.getAttribute('html', 'lang')).toBe('zh-TW');
    await scratch(liff);
    await shot(liff, 'tw', '03-scratched');

    await go(liff, 'home');
    // Points earned in the chat before registering are kept, and the page says so.
    expect(await liff.textContent('[data-testid="register-help"]')).toContain('20 點都會保留');
    await shot(liff, 'tw', '04-home-unregistered');
    await register(liff, { name: '王小明', phone: '0912-345-678', region: 'TW-TPE' });
    expect(await liff.textContent('[data-testid="balance"]')).toBe('20');

    await go(liff, 'submissions');
    const history = (await liff.textContent('[data-page="submissions"]')) ?? '';
    expect(history).toContain('BN61755155');
    expect(history).not.toMatch(/einvoice_text|einvoice_qr|rewarded\b/);
    await shot(liff, 'tw', '05-history');

    // The marketer stocks a new reward in the console (stock 2, 10 points, with an uploaded picture); the
    // member sees the picture and redeems it in LIFF, and the console counts 1 left.
    const marketer = await openConsole('demo-tea', '/rewards');
    const picture = await sharp({
      create: { width: 900, height: 600, channels: 3, background: { r: 30, g: 110, b: 70 } },
    })
      .png()
      .toBuffer();
    const rewardId = await stockReward(marketer, { name: 'Oolong tumbler', points: 10, stock: 2, picture });
    await go(liff, 'home');
    const pictureLoaded = liff.waitForResponse((response) => response.url().includes('/reward-images/'), {
      timeout: SLOW,
    });
    await go(liff, 'rewards');
    const loaded = await pictureLoaded;
    expect([loaded.status(), loaded.headers()['content-type']]).toEqual([200, 'image/jpeg']);
    await liff.locator(`[data-testid="reward-image-${rewardId}"]`).waitFor({ timeout: SLOW });
    await shot(liff, 'tw', '06-reward-picture');
    await liff.click(`[data-testid="redeem-button-${rewardId}"]`);
    await liff.waitForSelector('[data-testid="redeem-result"] .banner', { timeout: SLOW });
    await go(liff, 'prizes');
    expect(await liff.textContent('[data-page="prizes"]')).toContain('Oolong tumbler');
    await shot(liff, 'tw', '06-redeemed');
    await marketer.reload();
    await marketer
      .locator('table.data tr', { hasText: 'Oolong tumbler' })
      .getByText('1 / 2')
      .waitFor({ timeout: SLOW });
    await marketer.close();

    // The marketer runs today's draw in the console: the only entry wins, and the chat says so once.
    const winners = await runDrawNow('demo-tea', 'spring-tea', since);
    expect(winners.map((winner) => winner.memberName)).toEqual(['王小明']);
    await botSays(chat, '好茶禮盒').waitFor({ timeout: SLOW });
    await shot(chat, 'tw', '07-draw-won');
    await seePrizeInLiff(liff, '好茶禮盒');
    await shot(liff, 'tw', '08-my-prizes');
    await liff.close();
    await chat.close();
  }, 900_000);

  test('Thailand (demo-th, th): a receipt photo (read by OCR, or by a reviewer when unsure) earns points, then registration with a Thai mobile, history in Buddhist-era dates, a reward and a draw prize', async () => {
    const since = new Date(Date.now() - 1_000);
    const chat = await openChat(DEMO_THAI_LINE_CHANNEL_ID, 'U0000000000000000000000000000a002');
    await botSays(chat, 'ยินดีต้อนรับ').waitFor({ timeout: SLOW });
    await shot(chat, 'th', '01-follow');

    const photo = await renderThaiReceipt(browser.context);
    await chat.setInputFiles('[data-testid=photo]', {
      name: 'receipt.png',
      mimeType: 'image/png',
      buffer: photo,
    });
    const accepted = botSays(chat, 'คุณได้รับ');
    const inReview = botSays(chat, 'ส่งตรวจสอบแล้ว');
    await accepted.or(inReview).first().waitFor({ timeout: SLOW });
    if (!(await accepted.count())) {
      // OCR was unsure: a reviewer approves it in the console, and the member hears the decision later.
      await approveOnlyQueuedPhoto('demo-th');
      await botSays(chat, 'ผ่านแล้ว!').waitFor({ timeout: SLOW });
    }
    await botSays(chat, 'คุณได้รับบัตรขูด 1 ใบ!').waitFor({ timeout: SLOW });
    await shot(chat, 'th', '02-accepted');

    const liff = await openLiffFromChat(chat, 'ขูดเลย', 'prizes');
    expect(await liff.getAttribute('html', 'lang')).toBe('th');
    await scratch(liff);
    await shot(liff, 'th', '03-scratched');

    await go(liff, 'home');
    await shot(liff, 'th', '04-home-unregistered');
    await register(liff, { name: 'สมชาย ใจดี', phone: '081-234-5678', region: 'TH-40' });
    // ฿150 at 1 point per ฿20 → 7 points.
    expect(await liff.textContent('[data-testid="balance"]')).toBe('7');

    await go(liff, 'submissions');
    const history = (await liff.textContent('[data-page="submissions"]')) ?? '';
    expect(history).toContain('ร้านชาดีสาขาทดสอบ');
    // Thai dates in the Buddhist era (2026 → 2569).
    expect(history).toMatch(/25[6-9]\d/);
    expect(history).not.toMatch(/\breceipt\b|rewarded\b/);
    await shot(liff, 'th', '05-history');

    await redeemAffordable(liff);
    await go(liff, 'prizes');
    expect(await liff.textContent('[data-testid="coupon-code"]')).toMatch(/^DEMO-TH-\d{4}$/);
    // The redemption's state in words, never its code.
    expect(await liff.textContent('[data-testid="coupon"]')).toContain('ส่งมอบแล้ว');
    await shot(liff, 'th', '06-coupon');

    const winners = await runDrawNow('demo-th', 'songkran-tea', since);
    expect(winners.map((winner) => winner.memberName)).toEqual(['สมชาย ใจดี']);
    await botSays(chat, 'กระเช้าชา').waitFor({ timeout: SLOW });
    await shot(chat, 'th', '07-draw-won');
    await seePrizeInLiff(liff, 'กระเช้าชา');
    await shot(liff, 'th', '08-my-prizes');
    await liff.close();
    await chat.close();
  }, 900_000);

  /** "My prizes", opened afresh, lists the draw prize. */
  async function seePrizeInLiff(liff: Page, prize: string) {
    await go(liff, 'home');
    await go(liff, 'prizes');
    await liff.locator('[data-testid^="draw-win-"]', { hasText: prize }).waitFor({ timeout: SLOW });
  }

  async function approveOnlyQueuedPhoto(brand: string) {
    const request = await consoleApi();
    const headers = { 'x-proofline-brand': brand };
    const next = await request.post(`${base}/api/console/review/next`, { headers, data: {} });
    expect(next.status()).toBe(200);
    const { item } = (await next.json()) as { item: { submissionId: string } | null };
    expect(item).not.toBeNull();
    const approved = await request.post(`${base}/api/console/review/items/${item!.submissionId}/approve`, {
      headers,
      data: {},
    });
    expect(approved.status()).toBe(200);
  }
});

/**
 * A Thai convenience-store receipt dated today (Buddhist era, as Thai receipts print it), rendered by
 * Chromium and photographed as a PNG: tea for ฿150 at a store the OCR has never seen.
 */
async function renderThaiReceipt(context: BrowserContext): Promise<Buffer> {
  const today = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Bangkok',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).formatToParts(new Date());
  const part = (type: string) => today.find((p) => p.type === type)!.value;
  const date = `${part('day')}/${part('month')}/${Number(part('year')) + 543}`;
  const page = await context.newPage();
  await page.setViewportSize({ width: 720, height: 640 });
  await page.setContent(`<!doctype html><html lang="th"><body style="margin:0;background:#fff">
    <div style="font:30px 'Noto Sans Thai','TlwgTypo',sans-serif;padding:28px 36px;width:640px;color:#111">
      <div style="text-align:center;font-weight:bold;font-size:38px">ร้านชาดีสาขาทดสอบ</div>
      <div style="text-align:center">สาขา 012 ถ.สุขุมวิท กรุงเทพฯ</div>
      <div>เลขประจำตัวผู้เสียภาษี 0105551234567</div>
      <div>วันที่ ${date} 10:15</div>
      <div style="display:flex;justify-content:space-between"><span>2 ชาเขียว</span><span>90.00</span></div>
      <div style="display:flex;justify-content:space-between"><span>1 ชาไทย</span><span>60.00</span></div>
      <div style="display:flex;justify-content:space-between;font-weight:bold;font-size:36px"><span>รวมทั้งสิ้น</span><span>150.00</span></div>
      <div style="text-align:center">ขอบคุณที่ใช้บริการ</div>
    </div></body></html>`);
  const png = await page.screenshot({ type: 'png' });
  await page.close();
  return png;
}
