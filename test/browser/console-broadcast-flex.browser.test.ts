import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../core/shared/paths.js';
import { DEFAULT_SIM_USERS, startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { seedDatabase } from '../support/database.js';
import { simAdminAt } from '../support/line-sim-admin.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { type ConsoleStack, openSignedInPage, startConsoleStack } from './support/console-stack.js';

/**
 * The composer's Flex editor (issue #13): pasted Flex JSON is validated against LINE's limits where it
 * is typed, and previewed by the renderer /dev/chat uses — the same elements for the same message.
 */
const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
const BRAND = 'brd_bfx';
const CHANNEL = { lineChannelId: '2400000077', channelAccessToken: 'bfx-token' };
/** 12:00 in Taipei. */
const NOW = '2026-03-10T04:00:00Z';

const bubble = (title: string, price: string) => ({
  type: 'bubble',
  size: 'kilo',
  header: {
    type: 'box',
    layout: 'vertical',
    backgroundColor: '#06C755',
    contents: [{ type: 'text', text: title, weight: 'bold', color: '#FFFFFF', size: 'lg' }],
  },
  hero: {
    type: 'image',
    url: 'https://example.com/tea.png',
    size: 'full',
    aspectRatio: '20:13',
    aspectMode: 'cover',
  },
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'sm',
    contents: [
      { type: 'text', text: '{displayName}, you have {points} points', wrap: true },
      { type: 'separator', margin: 'md' },
      {
        type: 'box',
        layout: 'baseline',
        contents: [
          { type: 'icon', url: 'https://example.com/star.png', size: 'sm' },
          {
            type: 'text',
            contents: [
              { type: 'span', text: 'NT$' },
              { type: 'span', text: price, weight: 'bold', color: '#E67E22' },
            ],
          },
        ],
      },
      { type: 'spacer', size: 'md' },
    ],
  },
  footer: {
    type: 'box',
    layout: 'vertical',
    contents: [
      {
        type: 'button',
        style: 'primary',
        action: { type: 'uri', label: 'Buy', uri: 'https://example.com/buy' },
      },
      { type: 'button', style: 'link', action: { type: 'message', label: 'More', text: 'more' } },
    ],
  },
});
const CAROUSEL = { type: 'carousel', contents: [bubble('Oolong', '120'), bubble('Green tea', '90')] };
const SAMPLE = { displayName: 'Member 1', points: 120 };

let sim: LineSimulator;
let stack: ConsoleStack;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };
const simAdmin = simAdminAt(() => sim.url);

beforeAll(async () => {
  sim = await startLineSimulator();
  sim.state.channels.set(CHANNEL.lineChannelId, {
    ...CHANNEL,
    channelSecret: 's',
    webhookUrl: undefined,
    defaultRichMenuId: undefined,
  });
  await simAdmin('POST', '/__sim/friends', {
    channelId: CHANNEL.lineChannelId,
    users: [{ userId: DEFAULT_SIM_USERS[0]!.userId }],
  });
  stack = await startConsoleStack({
    now: NOW,
    config: { line: { apiBaseUrl: sim.url, dataApiBaseUrl: sim.url } } as never,
    seed: (services) =>
      seedDatabase(services.database.db, {
        brands: [
          {
            id: BRAND,
            slug: 'bfx',
            name: '好茶',
            country: 'TW',
            defaultLocale: 'zh-TW',
            timezone: 'Asia/Taipei',
          },
        ],
        lineChannels: [{ id: 'chn_bfx', brandId: BRAND, name: 'TW', channelSecret: 's', ...CHANNEL }],
        members: [1, 2].map((n) => ({
          id: `mbr_bfx${n}`,
          brandId: BRAND,
          lineUserId: `U${(0xf000 + n).toString(16).padStart(32, '0')}`,
          locale: 'zh-TW' as const,
          displayName: `Member ${n}`,
          region: 'TW-TPE',
          registeredAt: new Date('2026-01-01T00:00:00Z'),
          followedAt: new Date('2026-01-01T00:00:00Z'),
        })),
      }),
  });
  await stack.addUser('marketer@flex.example', [[BRAND, 'marketer']]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await browser?.close();
  await zhBrowser?.close();
  await stack?.close();
  await sim?.close();
});

const signedIn = (context: BrowserContext) =>
  openSignedInPage(stack, context, {
    email: 'marketer@flex.example',
    path: '/broadcasts',
    timeout: UI_HANG_MS,
  });

/** From the keyboard: the add button, then the alt text, then Tab to the JSON field, typed in. */
async function addFlexFromKeyboard(page: Page, addLabel: string, altText: string, json: string) {
  await page.getByRole('button', { name: addLabel }).focus();
  await page.keyboard.press('Enter');
  await page.locator('.flex-editor input:focus').waitFor();
  await page.keyboard.insertText(altText);
  await page.keyboard.press('Tab');
  await page.locator('[data-testid=flex-json]:focus').waitFor();
  await page.keyboard.insertText(json);
}

/** The rendered Flex element's HTML. */
const flexHtml = (page: Page, scope: string) =>
  page
    .locator(`${scope} [data-testid=flex]`)
    .first()
    .evaluate((element) => element.outerHTML);

describe('the composer’s Flex editor', () => {
  test(
    'when a marketer pastes a Flex carousel, then the preview shows what /dev/chat shows for the same message, placeholders filled from a sample member',
    async () => {
      const page = await signedIn(browser.context);
      await page.getByRole('button', { name: 'New broadcast' }).click();
      await page.getByTestId('segment-count').waitFor();
      await page.getByLabel('Text (繁體中文)').fill('新品上市');
      await addFlexFromKeyboard(
        page,
        'Add a Flex message (JSON)',
        'Our teas',
        JSON.stringify(CAROUSEL, null, 2),
      );
      const preview = page.locator('.chat-preview [data-testid=flex]');
      await preview.waitFor();
      await expect(preview.locator('.lm-card').count()).resolves.toBe(2);
      // The sample member's name, and the sample points, in place of the placeholders.
      await page
        .locator('.chat-preview')
        .getByText(/^Member \d, you have 120 points$/)
        .first()
        .waitFor();
      const consoleHtml = await flexHtml(page, '.chat-preview');
      const shownName = /(Member \d), you have/.exec(consoleHtml)?.[1] ?? SAMPLE.displayName;
      await page.locator('.extra-message').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'console-broadcasts-flex.en.png') });

      // The same message, placeholders filled alike, pushed to a LINE user and seen in /dev/chat.
      const filled = JSON.parse(
        JSON.stringify({ type: 'flex', altText: 'Our teas', contents: CAROUSEL })
          .replaceAll('{displayName}', shownName)
          .replaceAll('{points}', String(SAMPLE.points)),
      ) as Record<string, unknown>;
      const pushed = await fetch(`${sim.url}/v2/bot/message/push`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${CHANNEL.channelAccessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ to: DEFAULT_SIM_USERS[0]!.userId, messages: [filled] }),
      });
      expect(pushed.status).toBe(200);
      const chat = await browser.context.newPage();
      await chat.goto(`${sim.url}/dev/chat`);
      await chat.waitForSelector('body[data-ready="true"]');
      await chat.selectOption('[data-testid=channel]', CHANNEL.lineChannelId);
      await chat.locator('[data-testid=log] [data-testid=flex]').waitFor({ timeout: UI_HANG_MS });
      const chatHtml = await flexHtml(chat, '[data-testid=log]');
      expect(chatHtml).toBe(consoleHtml);
      expect(chatHtml).toContain('lm-carousel');
      await chat.close();
      await page.close();
    },
    HANG_GUARD_MS,
  );

  test(
    'when the Flex JSON is not valid or breaks LINE’s limits, then its field says what and where, and nothing is created',
    async () => {
      const page = await signedIn(browser.context);
      await page.getByRole('button', { name: 'New broadcast' }).click();
      await page.getByLabel('Text (繁體中文)').fill('新品上市');
      await addFlexFromKeyboard(page, 'Add a Flex message (JSON)', 'Too many', '{ "type": "carousel", ');
      const error = page.locator('.flex-editor .field-error');
      await error.filter({ hasText: 'not valid JSON' }).waitFor();

      const thirteen = { type: 'carousel', contents: Array.from({ length: 13 }, () => bubble('Tea', '1')) };
      await page.getByTestId('flex-json').fill(JSON.stringify(thirteen));
      await error.filter({ hasText: 'contents: a carousel holds at most 12 bubbles' }).waitFor();
      await expect(page.getByTestId('flex-json').getAttribute('aria-invalid')).resolves.toBe('true');
      // The preview leaves the refused Flex out rather than showing what LINE would not send.
      await expect(page.locator('.chat-preview [data-testid=flex]').count()).resolves.toBe(0);

      const badButton = bubble('Tea', '1');
      (badButton.footer.contents[0]!.action as { label: string }).label = '';
      await page.getByTestId('flex-json').fill(JSON.stringify(badButton));
      await error.filter({ hasText: 'footer.contents[0].action.label: a button needs a label' }).waitFor();

      let created = 0;
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/api/console/broadcasts')) created += 1;
      });
      await page.getByRole('button', { name: 'Review and check quota' }).click();
      await page.getByText('A message is not ready to send: see the marked field.').waitFor();
      await page.locator('[data-testid=flex-json]:focus').waitFor();
      expect(created).toBe(0);
      await page.close();
    },
    HANG_GUARD_MS,
  );

  test(
    'when the console speaks 繁體中文, then the Flex editor does too',
    async () => {
      const page = await signedIn(zhBrowser.context);
      await page.getByRole('button', { name: '新增群發' }).click();
      await page.getByLabel('文字（繁體中文）').fill('{displayName}，新品上市');
      await addFlexFromKeyboard(page, '新增 Flex 訊息（JSON）', '我們的茶', JSON.stringify(CAROUSEL));
      await page.locator('.chat-preview [data-testid=flex]').waitFor();
      await page.getByText('共 2 / 5 則訊息').waitFor();
      await page.locator('.extra-message').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, 'console-broadcasts-flex.zh-TW.png') });
      // LINE's limits in the console's language, at their place.
      const thirteen = { type: 'carousel', contents: Array.from({ length: 13 }, () => bubble('Tea', '1')) };
      await page.getByTestId('flex-json').fill(JSON.stringify(thirteen));
      await page
        .locator('.flex-editor .field-error')
        .filter({ hasText: 'LINE 會拒收此 Flex：1 個問題' })
        .filter({ hasText: 'contents: carousel 最多 12 個 bubble' })
        .waitFor();
      await page.close();
    },
    HANG_GUARD_MS,
  );
});
