import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import * as schema from '../../core/db/schema.js';
import { openPhoneBrowser } from './support/chromium.js';
import { startLiffStack, TEA_INVOICES, type LiffStack } from './support/liff-stack.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';

const SHOTS = join(process.cwd(), 'test-results', 'liff');

/**
 * The member journey in real Chromium against the real server on 127.0.0.1 (LIFF mock build, LINE,
 * MoF and membership simulators), once per language, with a screenshot of every page.
 */
describe('LIFF app in Chromium', () => {
  let stack: LiffStack;
  let browser: Awaited<ReturnType<typeof openPhoneBrowser>>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startLiffStack();
    browser = await openPhoneBrowser();
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function open(page: Page, path: string) {
    await page.goto(`${stack.url}${path}`);
  }
  async function ready(page: Page, route: string) {
    await page.waitForSelector(`body[data-ready="${route}"]`, { timeout: UI_HANG_MS });
    await page.waitForSelector(`[data-page="${route}"]`, { timeout: UI_HANG_MS });
  }
  async function go(page: Page, route: string) {
    // Runs in the page (DOM types are not in the server's tsconfig).
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
  const shot = (page: Page, locale: string, name: string) =>
    page.screenshot({ path: join(SHOTS, `${locale}-${name}.png`), fullPage: true });

  const journeys = [
    {
      locale: 'zh-TW',
      userId: 'U' + 'a1'.repeat(16),
      name: '林美玲',
      phone: '0912-345-678',
      region: 'TW-TPE',
      email: 'meiling@example.com',
      invoice: TEA_INVOICES[0],
      texts: {
        accepted: '登錄成功！',
        registerDone: '註冊完成',
        surveyDone: '感謝你的填答！',
        won: '恭喜獲得',
        redeemed: '兌換成功',
      },
    },
    {
      locale: 'th',
      userId: 'U' + 'b2'.repeat(16),
      name: 'สมหญิง ใจดี',
      phone: '0987654321',
      region: 'TW-KHH',
      email: 'somying@example.com',
      invoice: TEA_INVOICES[1],
      texts: {
        accepted: 'ผ่านแล้ว!',
        registerDone: 'ลงทะเบียนเรียบร้อย',
        surveyDone: 'ขอบคุณสำหรับคำตอบ!',
        won: 'คุณได้รับ',
        redeemed: 'แลกสำเร็จ',
      },
    },
  ] as const;

  test(
    'when the rich menu opens a LIFF path (/liff/rewards), then that page shows, not home',
    async () => {
      const page = await browser.context.newPage();
      await open(page, `/liff/rewards?lang=en&mockUser=U${'c3'.repeat(16)}&mockName=Menu`);
      await ready(page, 'rewards');
      expect(new URL(page.url()).hash).toBe('#/rewards');
      // The page moves focus to <main> for screen readers; a fresh page counts that as focus-visible, and
      // its ring drew a blue line across the screen under the content.
      const mainFocus = await page.evaluate(
        `(() => { const m = document.querySelector('main'); return [document.activeElement === m, getComputedStyle(m).outlineStyle]; })()`,
      );
      expect(mainFocus).toEqual([true, 'none']);
      await page.close();
    },
    HANG_GUARD_MS,
  );

  test(
    'when a photo is sent from the bottom of the submit page, then its answer shows under the button, in view',
    async () => {
      const page = await browser.context.newPage();
      await open(page, `/liff/?lang=en&mockUser=U${'d4'.repeat(16)}&mockName=Photo#/submit`);
      await ready(page, 'submit');
      await page.setInputFiles(
        'input[name="photo"]',
        join(process.cwd(), 'test', 'fixtures', 'receipts', 'th-receipt-1-clean.png'),
      );
      await page.locator('input[name="photo"]').scrollIntoViewIfNeeded();
      await page.click('form:has(input[name="photo"]) button[type="submit"]');
      const answer = page.locator(
        '[data-testid="photo-result"] [data-testid^="banner-"]:not([data-testid="banner-info"])',
      );
      await answer.waitFor({ timeout: UI_HANG_MS });
      await expect(answer.isVisible()).resolves.toBe(true);
      const box = await answer.boundingBox();
      const viewport = page.viewportSize()!;
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
      // The answer at the top of the page stays empty: the photo's answer is not out of sight up there.
      expect(await page.locator('[data-testid="submit-result"]').textContent()).toBe('');
      await shot(page, 'en', 'photo-answer');
      await page.close();
    },
    HANG_GUARD_MS,
  );

  for (const journey of journeys) {
    test(
      `${journey.locale}: register with consents, submit a typed invoice, see it accepted, answer the survey, scratch the card, redeem a coupon`,
      async () => {
        const page = await browser.context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('response', (response) => {
          if (response.status() >= 400) {
            void response
              .text()
              .then((body) => errors.push(`${response.status()} ${response.url()} ${body.slice(0, 300)}`));
          }
        });
        await open(
          page,
          `/liff/?lang=${journey.locale}&mockUser=${journey.userId}&mockName=${encodeURIComponent(journey.name)}`,
        );
        await ready(page, 'home');
        expect(await page.getAttribute('html', 'lang')).toBe(journey.locale);
        expect(await page.textContent('[data-testid="seed-hash"]')).toMatch(/^[0-9a-f]{64}$/);
        await shot(page, journey.locale, '01-home');

        // Register with both consents.
        await page.click('.cta button');
        await ready(page, 'register');
        await page.fill('input[name="name"]', journey.name);
        await page.fill('input[name="phone"]', journey.phone);
        await page.fill('input[name="email"]', journey.email);
        // Nothing is chosen for the member: gender and region start empty.
        expect(await page.inputValue('select[name="gender"]')).toBe('');
        expect(await page.inputValue('select[name="region"]')).toBe('');
        await page.selectOption('select[name="gender"]', 'female');
        await page.selectOption('select[name="region"]', journey.region);
        await page.fill('input[name="birthday"]', '1992-04-18');
        await page.check('input[name="data_processing"]');
        await page.check('input[name="marketing"]');
        await shot(page, journey.locale, '02-register');
        await page.click('form button[type="submit"]');
        await page
          .waitForSelector('[data-testid="banner-ok"]', { timeout: UI_HANG_MS })
          .catch(async (error: Error) => {
            await shot(page, journey.locale, 'failure');
            throw new Error(`${error.message}\n${errors.join('\n')}`);
          });
        await ready(page, 'home');
        expect(await page.textContent('[data-testid="banner-ok"]')).toContain(journey.texts.registerDone);

        const db = stack.services.database.db;
        const [member] = await db
          .select()
          .from(schema.members)
          .where(eq(schema.members.lineUserId, journey.userId));
        expect(member).toMatchObject({ name: journey.name, email: journey.email, locale: journey.locale });
        const consents = await db
          .select()
          .from(schema.consents)
          .where(eq(schema.consents.memberId, member!.id));
        expect(consents.map((c) => `${c.kind}:${c.granted}:${c.textVersion}:${c.locale}`).sort()).toEqual([
          `data_processing:true:dp-2026-01:${journey.locale}`,
          `marketing:true:mkt-2026-01:${journey.locale}`,
        ]);

        // Submit a typed e-invoice: verified against the MoF simulator and accepted.
        await go(page, 'submit');
        await page.fill('input[name="invoiceNumber"]', journey.invoice.invoiceNumber);
        await page.fill('input[name="date"]', journey.invoice.date);
        await page.fill('input[name="randomCode"]', journey.invoice.randomCode);
        await page.click('form[aria-labelledby="typed-title"] button[type="submit"]');
        await page.waitForSelector('[data-testid="submit-result"] .banner');
        expect(await page.textContent('[data-testid="submit-result"]')).toContain(journey.texts.accepted);
        await shot(page, journey.locale, '03-submit-accepted');

        await go(page, 'submissions');
        expect(await page.locator('[data-testid="submission"]').count()).toBe(1);
        expect(await page.getAttribute('[data-testid="submission"]', 'class')).toMatch(
          /state-(accepted|rewarded)/,
        );
        await shot(page, journey.locale, '04-submissions');

        await go(page, 'home');
        expect(Number((await page.textContent('[data-testid="balance"]'))!.replace(/\D/g, ''))).toBe(18);
        expect(await page.textContent('[data-testid="entries"]')).toBe('1');
        await shot(page, journey.locale, '05-home-after');

        // The survey for this proof.
        await go(page, 'survey');
        await shot(page, journey.locale, '06-survey');
        await page.check('input[name="q-where"][value="cvs"]');
        await page.check('input[name="q-why"][value="taste"]');
        await page.check('input[name="q-score"][value="5"]');
        await page.fill('textarea[name="q-note"]', 'good');
        await page.click('[data-page="survey"] button[type="submit"]');
        await page.waitForSelector('[data-page="survey"] [data-testid="banner-ok"]');
        expect(await page.textContent('[data-page="survey"]')).toContain(journey.texts.surveyDone);
        const answers = await db
          .select()
          .from(schema.surveyAnswers)
          .where(
            and(eq(schema.surveyAnswers.memberId, member!.id), eq(schema.surveyAnswers.surveyId, 'srv_demo')),
          );
        expect(answers).toHaveLength(1);
        expect(answers[0]!.answers).toEqual({ where: 'cvs', why: ['taste'], score: 5, note: 'good' });
        expect(answers[0]!.submissionId).not.toBeNull();

        // The scratch card this accepted proof earned (the demo prize is certain to win).
        await go(page, 'prizes');
        await shot(page, journey.locale, '07-prizes-scratch');
        const card = page.locator('[data-testid^="scratch-play-"]').first();
        const box = await page.locator('canvas.scratch-layer').first().boundingBox();
        // A finger drag across the silver layer, then the button for the rest.
        await page.mouse.move(box!.x + 20, box!.y + 60);
        await page.mouse.down();
        for (let x = 20; x < 260; x += 20) await page.mouse.move(box!.x + x, box!.y + 40 + (x % 40));
        await page.mouse.up();
        await card.click();
        await page.waitForFunction(() => {
          const w = globalThis as unknown as {
            document: { querySelector: (s: string) => { textContent: string | null } | null };
          };
          return Boolean(w.document.querySelector('[data-testid="scratch-result"]')?.textContent);
        });
        expect(await page.textContent('[data-testid="scratch-result"]')).toContain(journey.texts.won);
        await shot(page, journey.locale, '08-prizes-scratched');

        // Redeem a coupon with the points earned, then find its code under My prizes.
        await go(page, 'rewards');
        await shot(page, journey.locale, '09-rewards');
        await page.click('[data-testid^="redeem-button-"]');
        await page.waitForSelector('[data-testid="redeem-result"] .banner');
        expect(await page.textContent('[data-testid="redeem-result"]')).toContain(journey.texts.redeemed);
        await go(page, 'prizes');
        const code = await page.textContent('[data-testid="coupon-code"]');
        expect(code).toMatch(/^TEA-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
        await shot(page, journey.locale, '10-prizes-coupon');
        const [redemption] = await db
          .select()
          .from(schema.redemptions)
          .where(eq(schema.redemptions.memberId, member!.id));
        expect(redemption).toMatchObject({ points: 10 });
        await go(page, 'home');
        expect(await page.textContent('[data-testid="balance"]')).toBe('8');

        await go(page, 'profile');
        await shot(page, journey.locale, '11-profile');
        await go(page, 'data');
        await shot(page, journey.locale, '12-my-data');
        expect(errors).toEqual([]);
        await page.close();
      },
      HANG_GUARD_MS,
    );
  }
});
