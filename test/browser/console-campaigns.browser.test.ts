import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { Services } from '../../core/app/build-services.js';
import { campaigns } from '../../core/campaigns/index.js';
import { createConsoleUser, grantConsoleMembership } from '../../core/console/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { submissions, surveyAnswers } from '../../core/db/schema.js';
import {
  createLineTestKit,
  rocDate,
  taipeiDaysAgo,
  XIAOMING,
  type LineTestKit,
} from '../line/line-test-kit.js';
import { createCampaignReplaysWorker } from '../../jobs/campaign-replays.job.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { buildConsoleAppOnce, releaseConsoleApp } from './support/console-build.js';
import { signInThroughPage, STACK_PASSWORD } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
const PURCHASE_DATE = taipeiDaysAgo(2);
const TEA_SHOP = { sellerBan: '28414044', sellerName: '好茶專賣店' };

/** Three typed e-invoices the MoF simulator knows: one that qualifies, one too small, one from a refused store. */
const PROOFS = {
  accepted: `CA20250001 ${rocDate(PURCHASE_DATE)} 1111`,
  tooSmall: `CA20250002 ${rocDate(PURCHASE_DATE)} 2222`,
  refusedStore: `CA20250003 ${rocDate(PURCHASE_DATE)} 3333`,
};

/** `yyyy-mm-ddThh:mm` in Taipei, `days` from now (the campaign's registration window). */
const taipeiLocal = (days: number) => `${taipeiDaysAgo(-days)}T00:00`;

/**
 * A marketer builds a campaign from nothing in the console (names, windows, an item group, an amount
 * threshold, a refused store, points and entries), tries three proofs in the rule checker, publishes it,
 * and a member sends one of those proofs in /dev/chat: the chat's verdict is the checker's.
 */
describe('console campaigns page (browser)', () => {
  let kit: LineTestKit;
  let pump: NodeJS.Timeout;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let zhBrowser: { context: BrowserContext; close: () => Promise<void> };

  beforeAll(async () => {
    const consoleAppDir = await buildConsoleAppOnce();
    kit = await createLineTestKit({
      consoleAppDir,
      invoices: [
        {
          invoiceNumber: 'CA20250001',
          invoiceDate: PURCHASE_DATE,
          randomCode: '1111',
          ...TEA_SHOP,
          totalAmount: 180,
          items: [{ name: '好茶烏龍', quantity: 3, unitPrice: 60 }],
        },
        {
          invoiceNumber: 'CA20250002',
          invoiceDate: PURCHASE_DATE,
          randomCode: '2222',
          ...TEA_SHOP,
          totalAmount: 60,
          items: [{ name: '好茶烏龍', quantity: 1, unitPrice: 60 }],
        },
        {
          invoiceNumber: 'CA20250003',
          invoiceDate: PURCHASE_DATE,
          randomCode: '3333',
          sellerBan: '12345678',
          sellerName: '便宜茶行',
          totalAmount: 180,
          items: [{ name: '便宜綠茶', quantity: 3, unitPrice: 60 }],
        },
      ],
    });
    // Only the campaign built here runs: the demo one is over.
    await kit.services.database.db
      .update(campaigns)
      .set({ status: 'ended' })
      .where(eq(campaigns.id, kit.demo.campaign.id));
    const deps = {
      db: kit.services.database.db,
      clock: kit.services.clock,
      generateId: kit.services.generateId,
    };
    const { user } = await createConsoleUser(deps, {
      email: 'mia@tea.example',
      name: 'Mia',
      password: STACK_PASSWORD,
    });
    await grantConsoleMembership(deps, { userId: user.id, brandId: kit.demo.brand.id, role: 'marketer' });
    // The workers, as local mode runs them in-process.
    const replays = createCampaignReplaysWorker(kit.services as Services);
    let busy = false;
    pump = setInterval(() => {
      if (busy) return;
      busy = true;
      void kit
        .drain()
        .then(() => replays.runOnce())
        .catch(() => {})
        .finally(() => {
          busy = false;
        });
    }, 100);
    browser = await openDesktopBrowser({ locale: 'en-US' });
    zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
  }, HANG_GUARD_MS);

  afterAll(async () => {
    clearInterval(pump);
    await browser?.close();
    await zhBrowser?.close();
    await kit?.close();
    releaseConsoleApp();
  });

  async function signedIn(context: BrowserContext, path: string): Promise<Page> {
    await context.clearCookies();
    const page = await context.newPage();
    page.setDefaultTimeout(UI_HANG_MS);
    await page.goto(`${kit.server.url}/console/`);
    await signInThroughPage(page, { email: 'mia@tea.example' });
    await page.goto(`${kit.server.url}/console${path}`);
    return page;
  }

  const row = (page: Page, index: number): Locator => page.locator('table.check-results tbody tr').nth(index);
  const cell = (page: Page, index: number, rule: string): Locator =>
    row(page, index).locator(`td[data-rule=${rule}]`);

  /** Waits by locator (the console's CSP forbids waitForFunction): row `n` (1-based) with that verdict. */
  const verdictOf = (page: Page, n: number, verdict: string): Locator =>
    page.locator(`table.check-results tbody tr:nth-child(${n})[data-verdict=${verdict}]`);

  async function checkThreeProofs(page: Page) {
    await page
      .locator('textarea[name=proofs]')
      .fill([PROOFS.accepted, PROOFS.tooSmall, PROOFS.refusedStore].join('\n'));
    await page.locator('.rule-checker button.primary').click();
    await page.locator('table.check-results tbody tr:nth-child(3)').waitFor();
  }

  test('when a marketer builds a campaign with the form, then the checker, the publish and the chat agree', async () => {
    const page = await signedIn(browser.context, '/campaigns');
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.locator('table.campaign-list').getByText('spring-tea').waitFor();
    await page.getByRole('button', { name: 'New campaign' }).click();

    // Basics, with a slug the server refuses: its 400 lands beside the slug field.
    await page.getByLabel('Name (English)').fill('Oolong week');
    await page.getByLabel('Name (繁體中文)').fill('烏龍週');
    await page.getByLabel('Slug').fill('Oolong Week');
    await page.getByLabel('Purchases from').fill(taipeiDaysAgo(30));
    await page.getByLabel('Purchases until').fill(taipeiDaysAgo(-30));
    await page.getByLabel('Registration opens').fill(taipeiLocal(-30));
    await page.getByLabel('Registration closes').fill(taipeiLocal(30));
    await page.getByRole('button', { name: 'Create campaign' }).click();
    const slugField = page.locator('.field', { has: page.locator('input[name=slug]') });
    await slugField.locator('.field-error').waitFor();
    expect(await slugField.locator('.field-error').innerText()).toContain('a-z 0-9');
    await page.getByLabel('Slug').fill('oolong-week');

    // Rules: a tea group, NT$100 on the total, a refused store.
    await page.getByRole('tab', { name: 'Rules' }).click();
    await page.getByRole('button', { name: 'Add item group' }).click();
    await page.getByLabel('Group key').fill('tea');
    await page.getByLabel('Keywords (one per line)').fill('茶');
    await page.getByLabel('Exclude words (one per line)').fill('茶壺');
    await page.getByLabel('Amount threshold').check();
    await page.getByLabel('Least amount (TWD)').fill('100');
    await page.locator('textarea[name=deny-namePatterns]').fill('便宜');

    // Rewards: a point per NT$10, an entry per proof; the final draw gives a trip.
    await page.getByRole('tab', { name: 'Rewards' }).click();
    await page.locator('input[name=points-step]').fill('10');
    await page.getByRole('tab', { name: 'Draws' }).click();
    await page.getByLabel('Final draw').check();
    await page.locator('input[name="final-prize-0-name.en"]').fill('A trip');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: /Oolong week/ }).waitFor();
    await page.getByText('Draft', { exact: true }).waitFor();

    // A one-question survey, asked in the chat after an accepted proof (single choice: quick replies).
    await page.getByRole('tab', { name: 'Survey' }).click();
    await page.locator('input[name="survey-title.zh-TW"]').fill('小問卷');
    await page.locator('input[name="survey-title.en"]').fill('Tell us');
    await page.locator('input[name=question-0-key]').fill('where');
    await page.locator('input[name="question-0-label.zh-TW"]').fill('您在哪裡購買？');
    await page.locator('input[name="question-0-label.en"]').fill('Where did you buy?');
    await page.locator('input[name=question-0-required]').check();
    await page.locator('input[name="question-0-option-0.zh-TW"]').fill('門市');
    await page.locator('input[name="question-0-option-1.zh-TW"]').fill('網路');
    await page.locator('input[name=question-0-option-0-key]').fill('store');
    await page.locator('input[name=question-0-option-1-key]').fill('online');
    await page.getByRole('button', { name: 'Save survey' }).click();
    await page.getByText('Survey saved.').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-survey.en.png') });

    // What the server stored is what the form said.
    const [stored] = await kit.services.database.db
      .select()
      .from(campaigns)
      .where(eq(campaigns.slug, 'oolong-week'));
    expect(stored?.rules).toMatchObject({
      itemGroups: [{ key: 'tea', keywords: ['茶'], excludeKeywords: ['茶壺'] }],
      minAmount: { basis: 'total', amountMinor: 10_000 },
      stores: { deny: { namePatterns: ['便宜'] } },
    });
    expect(stored?.rewards).toMatchObject({
      points: { basis: 'total', stepAmountMinor: 1_000, perStep: 1 },
      entries: { perProof: 1 },
      draws: { final: { prizes: [{ key: 'grand', name: { en: 'A trip' }, quantity: 1 }] } },
    });

    // The rule checker: one accepted, one refused for the amount, one for the store.
    await checkThreeProofs(page);
    expect(await row(page, 0).getAttribute('data-verdict')).toBe('accepted');
    expect(await row(page, 1).getAttribute('data-verdict')).toBe('rejected');
    expect(await row(page, 2).getAttribute('data-verdict')).toBe('rejected');
    expect(await cell(page, 1, 'minAmount').getAttribute('class')).toBe('fail');
    expect(await cell(page, 1, 'stores').getAttribute('class')).toBe('pass');
    expect(await cell(page, 2, 'stores').getAttribute('class')).toBe('fail');
    expect(await row(page, 0).locator('td.num').first().innerText()).toBe('18');

    // The table follows the draft: at NT$50 the small one passes; back at NT$100 it fails again.
    await page.getByRole('tab', { name: 'Rules' }).click();
    await page.getByLabel('Least amount (TWD)').fill('50');
    await verdictOf(page, 2, 'accepted').waitFor();
    await page.getByLabel('Least amount (TWD)').fill('100');
    await verdictOf(page, 2, 'rejected').waitFor();

    await page.evaluate("document.querySelector('.rule-checker').scrollIntoView()");
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-checker.en.png') });
    await page.getByRole('tab', { name: 'Basics' }).click();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-editor.en.png') });

    // Publish, then the member sends the first proof in the chat: accepted, 18 points, as the checker said.
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Live', { exact: true }).waitFor();
    await page.getByRole('button', { name: /All campaigns/ }).click();
    await page.locator('table.campaign-list').getByText('oolong-week').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-list.en.png') });

    const chat = await browser.context.newPage();
    chat.setDefaultTimeout(UI_HANG_MS);
    await chat.goto(`${kit.server.url}/dev/chat`);
    await chat.waitForSelector('body[data-ready="true"]');
    await chat.selectOption('[data-testid=user]', XIAOMING);
    await chat.click('[data-testid=follow]');
    await chat.getByText('王小明，歡迎您！').waitFor({ timeout: UI_HANG_MS });
    await chat.fill('[data-testid=text]', PROOFS.accepted);
    await chat.press('[data-testid=text]', 'Enter');
    await chat.getByText('登錄成功！').waitFor({ timeout: UI_HANG_MS });
    await chat.getByText('獲得 18 點').waitFor();
    await chat.getByText('您在哪裡購買？').waitFor({ timeout: UI_HANG_MS });
    await chat.locator('[data-testid=quick-replies] button', { hasText: '門市' }).click();
    await chat.getByText('感謝您！').waitFor({ timeout: UI_HANG_MS });
    await chat.fill('[data-testid=text]', PROOFS.refusedStore);
    await chat.press('[data-testid=text]', 'Enter');
    await chat.getByText('此店家不在活動通路內').waitFor({ timeout: UI_HANG_MS });

    const decided = await kit.services.database.db
      .select({ state: submissions.state, campaignId: submissions.campaignId })
      .from(submissions)
      .where(eq(submissions.campaignId, stored!.id));
    expect(decided.map((s) => s.state).sort()).toEqual(['rejected', 'rewarded']);
    const [answer] = await kit.services.database.db.select().from(surveyAnswers);
    expect(answer?.answers).toEqual({ where: 'store' });

    // What if the 便宜 store had not been refused? Replaying the two decided proofs: one more accepted.
    await page.locator('table.campaign-list').getByText('Oolong week').click();
    await page.getByRole('tab', { name: 'Rules' }).click();
    await page.locator('textarea[name=deny-namePatterns]').fill('');
    await page.getByRole('tab', { name: 'What if' }).click();
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.locator('.whatif-result').waitFor();
    const summary = (row: string) => page.locator(`.whatif-summary tr[data-row=${row}] td`).allInnerTexts();
    expect(await summary('accepted')).toEqual(['1', '2', '+1']);
    expect(await summary('points')).toEqual(['18', '36', '+18']);
    await page.getByText('Now accepted — were refused for: Store (1)').click();
    await page.locator('.whatif-result').getByText('CA20250003').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-whatif.en.png') });
    expect(errors).toEqual([]);
  });

  test('when the page is in Chinese, then the list, the editor and the checker speak it', async () => {
    const page = await signedIn(zhBrowser.context, '/campaigns');
    await page.getByRole('heading', { name: '活動' }).waitFor();
    await page.locator('table.campaign-list').getByText('烏龍週').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-list.zh-TW.png') });
    await page.locator('table.campaign-list').getByText('烏龍週').click();
    await page.getByText('進行中', { exact: true }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-editor.zh-TW.png') });
    await page.getByRole('tab', { name: '規則' }).click();
    await checkThreeProofs(page);
    await page.getByText('不符').first().waitFor();
    await page.evaluate("document.querySelector('.rule-checker').scrollIntoView()");
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-checker.zh-TW.png') });

    page.setDefaultTimeout(60_000);
    // The live campaign's survey changes: a new version, the editor comes back on the survey tab and says so.
    await page.getByRole('tab', { name: '問卷' }).click();
    await page.locator('input[name="question-0-label.zh-TW"]').fill('您在哪裡買的？');
    await page.getByRole('button', { name: '儲存問卷' }).click();
    await page.getByText('問卷已儲存為第 2 版').waitFor();
    await expect(page.getByRole('tab', { name: '問卷' }).getAttribute('aria-selected')).resolves.toBe('true');
    await page.locator('.editor-head').getByText('v2').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-survey.zh-TW.png') });

    // History: v1 → v2 is the survey question's new words.
    await page.getByRole('tab', { name: '版本紀錄' }).click();
    const diff = page.locator('table.diff');
    await diff.getByText('survey.questions.0.label.zh-TW').waitFor();
    expect(await diff.innerText()).toContain('您在哪裡買的？');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-history.zh-TW.png') });

    await page.getByRole('tab', { name: '試算' }).click();
    await page.getByRole('button', { name: '重新試算' }).click();
    await page.locator('.whatif-result').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-campaigns-whatif.zh-TW.png') });
    const [live] = await kit.services.database.db
      .select()
      .from(campaigns)
      .where(eq(campaigns.slug, 'oolong-week'));
    expect(live?.version).toBe(2);
  });
});
