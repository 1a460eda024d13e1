import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { saveCampaignSurveyVersioned } from '../../core/app/campaign-survey.js';
import { createCampaignFromDefinition } from '../../core/campaigns/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { seedDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { openSignedInPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const BRAND_ID = 'brd_order_tea';
const SLUG = 'three-teas';

type Browser = { context: BrowserContext; close: () => Promise<void> };
let stack: ConsoleStack;
let en: Browser;
let zh: Browser;

const labelled = (text: string) => ({ en: text });

/**
 * A live campaign named in zh-TW and English only (as the form leaves it), with three item groups, a
 * final draw of three prizes and a three-question survey: the rows the editor reorders.
 */
beforeAll(async () => {
  stack = await startConsoleStack({
    now: '2026-03-02T02:00:00Z',
    seed: async (services) => {
      await seedDatabase(services.database.db, {
        brands: [
          {
            id: BRAND_ID,
            slug: 'order-tea',
            name: 'Order Tea',
            country: 'TW',
            defaultLocale: 'zh-TW',
            timezone: 'Asia/Taipei',
          },
        ],
      });
      const deps = {
        db: services.database.db,
        clock: services.clock,
        generateId: services.generateId,
      };
      await createCampaignFromDefinition(deps, {
        brandId: BRAND_ID,
        createdBy: null,
        input: {
          slug: SLUG,
          status: 'active',
          name: { 'zh-TW': '三種茶', en: 'Three teas' },
          description: null,
          timezone: 'Asia/Taipei',
          currency: 'TWD',
          purchaseFrom: '2026-03-01',
          purchaseTo: '2026-03-31',
          registerFrom: '2026-03-01T00:00:00+08:00',
          registerTo: '2026-04-05T00:00:00+08:00',
          proofKinds: ['einvoice_qr', 'einvoice_text'],
          verificationMode: 'instant',
          rules: {
            itemGroups: [
              { key: 'green', keywords: ['綠茶'] },
              { key: 'oolong', keywords: ['烏龍'] },
              { key: 'black', keywords: ['紅茶'] },
            ],
          },
          rewards: {
            points: { basis: 'total', stepAmountMinor: 1_000, perStep: 1 },
            entries: { perProof: 1 },
            draws: {
              final: {
                prizes: [
                  { key: 'gold', name: labelled('Gold'), quantity: 1 },
                  { key: 'silver', name: labelled('Silver'), quantity: 2 },
                  { key: 'bronze', name: labelled('Bronze'), quantity: 3 },
                ],
              },
            },
          },
        },
      });
      await saveCampaignSurveyVersioned(deps, {
        brandId: BRAND_ID,
        ref: SLUG,
        updatedBy: null,
        input: {
          title: labelled('Tell us'),
          frequency: 'per_member',
          questions: [
            { key: 'where', type: 'text', label: labelled('Where?') },
            { key: 'why', type: 'text', label: labelled('Why?') },
            { key: 'stars', type: 'scale', label: labelled('Stars?'), scale: { min: 1, max: 5 } },
            {
              key: 'drink',
              type: 'single',
              label: labelled('Your usual?'),
              options: [
                { key: 'tea', label: labelled('Tea') },
                { key: 'coffee', label: labelled('Coffee') },
                { key: 'juice', label: labelled('Juice') },
              ],
            },
          ],
        },
      });
    },
  });
  await stack.addUser('mia@order.example', [[BRAND_ID, 'marketer']]);
  en = await openDesktopBrowser({ locale: 'en-US' });
  zh = await openDesktopBrowser({ locale: 'zh-TW' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await en?.close();
  await zh?.close();
  await stack?.close();
});

const open = (context: BrowserContext, tab: string) =>
  openSignedInPage(stack, context, {
    email: 'mia@order.example',
    path: `/campaigns?c=${SLUG}&tab=${tab}`,
    timeout: HANG_GUARD_MS,
  });

/** The values of the inputs named `<prefix>-<i>-key`, in the order the page shows them. */
async function keysShown(page: Page, selector: string): Promise<string[]> {
  const inputs = page.locator(selector);
  const values: string[] = [];
  for (let i = 0; i < (await inputs.count()); i += 1) values.push(await inputs.nth(i).inputValue());
  return values;
}

/** What the console API answers for the campaign (the saved order), with the page's session. */
async function saved(page: Page) {
  const response = await page.request.get(`${stack.url}/api/console/campaigns/${SLUG}`);
  expect(response.status()).toBe(200);
  const { campaign } = (await response.json()) as {
    campaign: {
      version: number;
      rules: { itemGroups: { key: string }[] };
      rewards: { draws: { final: { prizes: { key: string }[] } } };
    };
  };
  return campaign;
}

describe('reordering rows in the campaign editor', () => {
  test('when the published, form-built campaign opens on Preview, then the three languages show and no "draft rules have problems"', async () => {
    const page = await open(en.context, 'preview');
    await page.locator('.preview-col').nth(2).waitFor();
    expect(await page.locator('.preview .banner-warning').count()).toBe(0);
    // Thai has no name of its own: it shows the zh-TW one, as a Thai member would read it.
    expect(await page.locator('.preview-col[lang=th] .liff-card strong').innerText()).toBe('三種茶');
  });

  test('when item groups and prizes are moved by Alt+Arrow and by dragging, then focus follows, the move is announced, and the saved order is the one shown', async () => {
    const page = await open(en.context, 'rules');
    const groupKeys = () => keysShown(page, 'input[name^=group-][name$=-key]');
    const announcer = page.locator('.tab-panel [data-testid=sort-announcer]');
    await page.locator('input[name=group-2-key]').waitFor();
    expect(await groupKeys()).toEqual(['green', 'oolong', 'black']);

    // Keyboard: black up one, from inside its keywords; the focus stays in black's keywords.
    await page.locator('textarea[name=group-2-keywords]').focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await groupKeys()).toEqual(['green', 'black', 'oolong']);
    await page.locator('textarea[name=group-1-keywords]:focus').waitFor();
    expect(await page.locator('textarea[name=group-1-keywords]').inputValue()).toBe('紅茶');
    expect(await announcer.innerText()).toBe('black moved to position 2 of 3.');
    // At the top, Alt+ArrowUp does nothing.
    await page.locator('input[name=group-0-key]').focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await groupKeys()).toEqual(['green', 'black', 'oolong']);

    // Drag: green's handle onto the last row.
    await page.locator('[data-group="0"] .drag-handle').dragTo(page.locator('[data-group="2"]'));
    expect(await groupKeys()).toEqual(['black', 'oolong', 'green']);
    expect(await announcer.innerText()).toBe('green moved to position 3 of 3.');

    // Prizes (the final draw): silver down by keyboard on its handle, then bronze dragged to the top.
    await page.getByRole('tab', { name: 'Draws' }).click();
    const prizeKeys = () => keysShown(page, 'input[name^=final-prize-][name$=-key]');
    expect(await prizeKeys()).toEqual(['gold', 'silver', 'bronze']);
    await page.locator('[data-prize="1"] .drag-handle').focus();
    await page.keyboard.press('Alt+ArrowDown');
    expect(await prizeKeys()).toEqual(['gold', 'bronze', 'silver']);
    await page.locator('[data-prize="2"] .drag-handle:focus').waitFor();
    await page.locator('[data-prize="1"] .drag-handle').dragTo(page.locator('[data-prize="0"]'));
    expect(await prizeKeys()).toEqual(['bronze', 'gold', 'silver']);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.editor-head').getByText('v3').waitFor();
    const campaign = await saved(page);
    expect(campaign.rules.itemGroups.map((group) => group.key)).toEqual(['black', 'oolong', 'green']);
    expect(campaign.rewards.draws.final.prizes.map((prize) => prize.key)).toEqual([
      'bronze',
      'gold',
      'silver',
    ]);
  });

  test('when survey questions are moved in Chinese by Alt+Arrow and by dragging, then the announcement is in Chinese and the saved survey has that order', async () => {
    const page = await open(zh.context, 'survey');
    const questionKeys = () => keysShown(page, 'input[name^=question-][name$=-key]:not([name*=-option-])');
    await page.locator('input[name=question-2-key]').waitFor();
    expect(await questionKeys()).toEqual(['where', 'why', 'stars', 'drink']);

    await page.locator('input[name=question-0-key]').focus();
    await page.keyboard.press('Alt+ArrowDown');
    expect(await questionKeys()).toEqual(['why', 'where', 'stars', 'drink']);
    await page.locator('input[name=question-1-key]:focus').waitFor();
    expect(await page.locator('fieldset.bare > [data-testid=sort-announcer]').innerText()).toBe(
      'where 已移到第 2 個（共 4 個）。',
    );
    await page.locator('[data-question="2"] > .drag-handle').dragTo(page.locator('[data-question="0"]'));
    expect(await questionKeys()).toEqual(['stars', 'why', 'where', 'drink']);

    await page.getByRole('button', { name: '儲存問卷' }).click();
    await page.getByText('問卷已儲存為第').waitFor();
    const response = await page.request.get(`${stack.url}/api/console/campaigns/${SLUG}/survey`);
    const { survey } = (await response.json()) as { survey: { questions: { key: string }[] } };
    expect(survey.questions.map((question) => question.key)).toEqual(['stars', 'why', 'where', 'drink']);
  });

  test("when a choice question's options are moved by Alt+Arrow and by dragging and one is removed, then its questions stay put and the saved options have the order shown", async () => {
    const page = await open(en.context, 'survey');
    const drink = page.locator('[data-question="3"]');
    const optionKeys = () => keysShown(page, 'input[name^=question-3-option-][name$=-key]');
    await page.locator('input[name=question-3-option-2-key]').waitFor();
    expect(await optionKeys()).toEqual(['tea', 'coffee', 'juice']);

    // Alt+↓ in an option's field moves the option, not its question, and the focus follows it.
    await page.locator('input[name=question-3-option-0-key]').focus();
    await page.keyboard.press('Alt+ArrowDown');
    expect(await optionKeys()).toEqual(['coffee', 'tea', 'juice']);
    await page.locator('input[name=question-3-option-1-key]:focus').waitFor();
    expect(await drink.locator('.survey-options [data-testid=sort-announcer]').innerText()).toBe(
      'tea moved to position 2 of 3.',
    );
    expect(await page.locator('input[name=question-3-key]').inputValue()).toBe('drink');

    await drink.locator('[data-option="2"] .drag-handle').dragTo(drink.locator('[data-option="0"]'));
    expect(await optionKeys()).toEqual(['juice', 'coffee', 'tea']);

    await drink.scrollIntoViewIfNeeded();
    await page.screenshot({
      path: join(projectRoot, 'docs', 'screenshots', 'console-survey-options.en.png'),
    });
    await page.getByRole('button', { name: 'Remove option coffee' }).click();
    expect(await optionKeys()).toEqual(['juice', 'tea']);
    // A choice keeps two options: neither can go now.
    expect(await page.getByRole('button', { name: 'Remove option juice' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Save survey' }).click();
    await page.getByText('Survey saved as version').waitFor();
    const response = await page.request.get(`${stack.url}/api/console/campaigns/${SLUG}/survey`);
    const { survey } = (await response.json()) as {
      survey: { questions: { key: string; options?: { key: string }[] }[] };
    };
    const saved = survey.questions.find((question) => question.key === 'drink');
    expect(saved?.options?.map((option) => option.key)).toEqual(['juice', 'tea']);
  });
});
