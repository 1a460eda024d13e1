import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import * as schema from '../../core/db/schema.js';
import { DEMO_LIFF_ID } from '../../core/demo/seed-demo.js';
import { REGISTRATION } from '../liff/support/liff-fixtures.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openPhoneBrowser } from './support/chromium.js';
import { startLiffStack, TEA_INVOICES, type LiffStack } from './support/liff-stack.js';

const SHOTS = process.env.LIFF_SHOTS_DIR ?? join(process.cwd(), 'test-results', 'liff');
const BARCODE_ONLY = join(process.cwd(), 'test', 'fixtures', 'receipts', 'tw-einvoice-barcode-only.png');
/** What the fixture's Code 39 barcode holds: period 115/03-04, the number and the random code, no date. */
const INVOICE = TEA_INVOICES[2];

/**
 * Issue #15 in Chromium at phone size: a photo of a paper e-invoice proof whose QR codes are missing
 * shows only its 1-D barcode. The member is asked for the day (the days of the invoice's period up to
 * today), answers with one tap, and the proof kept from the barcode is registered.
 */
describe('LIFF: a barcode-only proof photo asks for the date', () => {
  let stack: LiffStack;
  let browser: Awaited<ReturnType<typeof openPhoneBrowser>>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startLiffStack({}, { photos: true });
    browser = await openPhoneBrowser();
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** A member registered through the API (the registration pages have their own test). */
  async function registeredMember(userId: string) {
    const post = async (path: string, body: unknown, idToken?: string) => {
      const response = await fetch(`${stack.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(idToken ? { authorization: `Bearer ${idToken}`, 'x-liff-id': DEMO_LIFF_ID } : {}),
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBeLessThan(300);
      return (await response.json()) as { idToken?: string };
    };
    const { idToken } = await post('/api/liff/dev/id-token', {
      liffId: DEMO_LIFF_ID,
      userId,
      name: 'Barcode',
    });
    await post('/api/liff/register', REGISTRATION, idToken);
  }

  async function askedForTheDate(locale: string, userId: string) {
    await registeredMember(userId);
    const page = await browser.context.newPage();
    await page.goto(`${stack.url}/liff/?lang=${locale}&mockUser=${userId}&mockName=Barcode#/submit`);
    await page.waitForSelector('[data-page="submit"]', { timeout: UI_HANG_MS });
    await page.setInputFiles('input[name="photo"]', BARCODE_ONLY);
    await page.click('form:has(input[name="photo"]) button[type="submit"]');
    const days = page.locator('[data-testid="photo-result"] .day-choices button');
    await days.first().waitFor({ timeout: UI_HANG_MS });
    return { page, days };
  }

  test(
    'when the photo shows only the barcode, then the days of its period up to today are offered, and one tap registers the proof',
    async () => {
      const { page, days } = await askedForTheDate('en', `U${'e5'.repeat(16)}`);
      // Today is 2026-03-02 in Taipei; the period is March–April 2026: two days so far, newest first.
      expect(await days.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-day')))).toEqual([
        '2026-03-02',
        '2026-03-01',
      ]);
      expect(await page.locator('[data-testid="photo-result"]').textContent()).toContain(
        `Invoice ${INVOICE.invoiceNumber}`,
      );
      await page.screenshot({ path: join(SHOTS, 'en-barcode-question.png'), fullPage: false });

      await page.locator(`[data-testid="photo-result"] button[data-day="${INVOICE.date}"]`).click();
      const accepted = page.locator('[data-testid="photo-result"] [data-testid="banner-ok"]');
      await accepted.waitFor({ timeout: UI_HANG_MS });
      expect(await accepted.textContent()).toContain('Accepted!');
      await page.screenshot({ path: join(SHOTS, 'en-barcode-answered.png'), fullPage: false });

      // One submission, on the invoice the barcode named, dated by the member's tap.
      const held = await stack.services.database.db
        .select({ invoiceNumber: schema.invoices.invoiceNumber, invoiceDate: schema.invoices.invoiceDate })
        .from(schema.submissions)
        .innerJoin(schema.invoices, eq(schema.invoices.id, schema.submissions.invoiceId))
        .where(eq(schema.invoices.invoiceNumber, INVOICE.invoiceNumber));
      expect(held).toEqual([{ invoiceNumber: INVOICE.invoiceNumber, invoiceDate: INVOICE.date }]);
      await page.close();
    },
    HANG_GUARD_MS,
  );

  for (const [locale, userId, asked] of [
    ['zh-TW', `U${'f6'.repeat(16)}`, `發票 ${INVOICE.invoiceNumber}：請問是哪一天購買的？`],
    ['th', `U${'a7'.repeat(16)}`, `ใบกำกับภาษี ${INVOICE.invoiceNumber}: ซื้อวันไหน?`],
  ] as const)
    test(
      `${locale}: the question is asked in the member's language`,
      async () => {
        const { page } = await askedForTheDate(locale, userId);
        expect(await page.locator('[data-testid="photo-result"]').textContent()).toContain(asked);
        await page.screenshot({ path: join(SHOTS, `${locale}-barcode-question.png`), fullPage: false });
        await page.close();
      },
      HANG_GUARD_MS,
    );
});
