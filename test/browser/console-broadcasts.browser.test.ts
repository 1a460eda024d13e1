import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../core/shared/paths.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { seedDatabase, type TestSeed } from '../support/database.js';
import { twCampaignRow } from '../support/seed-campaign.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { simAdminAt } from '../support/line-sim-admin.js';
import { startBroadcastWorker } from './support/broadcast-worker.js';
import { openDesktopBrowser } from './support/chromium.js';
import { type ConsoleStack, openSignedInPage, startConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
/** Screenshots to look at, not kept in the repository. */
const SHOTS = process.env.SHOTS_DIR ?? join(tmpdir(), 'shots-broadcasts');
const BRAND = 'brd_bcb';
/** 12:00 in Taipei: outside quiet hours. */
const NOW = '2026-03-10T04:00:00Z';
const CHANNEL = { lineChannelId: '2400000001', channelAccessToken: 'bcb-token' };
const lineIdOf = (n: number) => `U${(0xb000 + n).toString(16).padStart(32, '0')}`;
const daysAgo = (days: number) => new Date(new Date(NOW).getTime() - days * 86_400_000);

type Purchase = { item: string; days: number; address: string };
/** Members 1–5 bought tea in Taipei within 30 days (2 and 4 read English); 6–8 do not qualify. */
const PEOPLE: { region: string; locale: 'zh-TW' | 'en'; purchase: Purchase }[] = [
  { region: 'TW-TPE', locale: 'zh-TW', purchase: { item: '好茶綠茶', days: 3, address: '臺北市大安區1號' } },
  { region: 'TW-TPE', locale: 'en', purchase: { item: '好茶烏龍茶', days: 10, address: '臺北市信義區2號' } },
  { region: 'TW-TPE', locale: 'zh-TW', purchase: { item: '冬瓜茶', days: 20, address: '台北市中山區3號' } },
  { region: 'TW-TPE', locale: 'en', purchase: { item: '紅茶拿鐵', days: 29, address: '臺北市松山區4號' } },
  { region: 'TW-TPE', locale: 'zh-TW', purchase: { item: '好茶綠茶', days: 1, address: '新北市板橋區5號' } },
  { region: 'TW-TPE', locale: 'zh-TW', purchase: { item: '黑咖啡', days: 5, address: '臺北市大安區6號' } },
  { region: 'TW-KHH', locale: 'zh-TW', purchase: { item: '好茶綠茶', days: 5, address: '高雄市前金區7號' } },
  { region: 'TW-TPE', locale: 'zh-TW', purchase: { item: '好茶綠茶', days: 40, address: '臺北市大安區8號' } },
];
const TARGETS = [1, 2, 3, 4, 5].map(lineIdOf);
/**
 * For the nested condition "(member region Taipei OR tagged vip) AND NOT redeemed": members 9 (Kaohsiung)
 * and 11 (Taichung) are tagged vip, 10 (Kaohsiung) is not; 1 and 11 redeemed a reward, 2's redemption was
 * cancelled (it does not count). Matching: 2, 3, 4, 5, 6, 8 (Taipei) and 9 (vip) — 7 members.
 */
const EXTRA: { n: number; region: string; vip: boolean }[] = [
  { n: 9, region: 'TW-KHH', vip: true },
  { n: 10, region: 'TW-KHH', vip: false },
  { n: 11, region: 'TW-TXG', vip: true },
];
const REDEEMED: { n: number; state: 'fulfilled' | 'cancelled' }[] = [
  { n: 1, state: 'fulfilled' },
  { n: 11, state: 'fulfilled' },
  { n: 2, state: 'cancelled' },
];

function seedOf(): TestSeed {
  const n = (i: number) => i + 1;
  return {
    brands: [
      {
        id: BRAND,
        slug: 'bcb',
        name: '好茶',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      },
    ],
    lineChannels: [{ id: 'chn_bcb', brandId: BRAND, name: 'TW', channelSecret: 's', ...CHANNEL }],
    campaigns: [
      twCampaignRow({
        id: 'cmp_bcb',
        brandId: BRAND,
        slug: 'tea',
        name: { 'zh-TW': '好茶', en: 'Good tea' },
      }),
    ],
    members: [
      ...PEOPLE.map((person, i) => ({ n: n(i), region: person.region, locale: person.locale })),
      ...EXTRA.map((extra) => ({ n: extra.n, region: extra.region, locale: 'zh-TW' as const })),
    ].map((person) => ({
      id: `mbr_bcb${person.n}`,
      brandId: BRAND,
      lineUserId: lineIdOf(person.n),
      locale: person.locale,
      displayName: `Member ${person.n}`,
      region: person.region,
      registeredAt: daysAgo(60),
      followedAt: daysAgo(90),
    })),
    memberTags: EXTRA.filter((extra) => extra.vip).map((extra) => ({
      id: `tag_bcb${extra.n}`,
      brandId: BRAND,
      memberId: `mbr_bcb${extra.n}`,
      tag: 'vip',
      source: 'console' as const,
    })),
    rewards: [
      {
        id: 'rwd_bcb',
        brandId: BRAND,
        kind: 'item' as const,
        name: { 'zh-TW': '茶杯', en: 'Tea cup' },
        pointsPrice: 10,
        stockTotal: 10,
        stockLeft: 8,
      },
    ],
    redemptions: REDEEMED.map((redemption) => ({
      id: `rdm_bcb${redemption.n}`,
      brandId: BRAND,
      memberId: `mbr_bcb${redemption.n}`,
      rewardId: 'rwd_bcb',
      points: 10,
      state: redemption.state,
      idempotencyKey: `rdm-bcb-${redemption.n}`,
      createdAt: daysAgo(5),
    })),
    invoices: PEOPLE.map(({ purchase }, i) => ({
      id: `inv_bcb${n(i)}`,
      brandId: BRAND,
      kind: 'einvoice' as const,
      invoiceNumber: `BC${String(10_000_000 + n(i))}`,
      invoiceDate: daysAgo(purchase.days).toISOString().slice(0, 10),
      sellerTaxId: '28414044',
      sellerName: '好茶專賣店',
      sellerAddress: purchase.address,
      totalAmountMinor: 6_000,
      currency: 'TWD' as const,
      status: 'verified' as const,
      source: 'qr' as const,
    })),
    invoiceItems: PEOPLE.map(({ purchase }, i) => ({
      id: `itm_bcb${n(i)}`,
      brandId: BRAND,
      invoiceId: `inv_bcb${n(i)}`,
      lineNo: 1,
      name: purchase.item,
      normalizedName: purchase.item.toLowerCase(),
      quantity: '1',
      unitPriceMinor: 6_000,
      amountMinor: 6_000,
    })),
    submissions: PEOPLE.map(({ purchase }, i) => ({
      id: `sub_bcb${n(i)}`,
      brandId: BRAND,
      campaignId: 'cmp_bcb',
      memberId: `mbr_bcb${n(i)}`,
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      rawInput: {},
      state: 'accepted' as const,
      invoiceId: `inv_bcb${n(i)}`,
      createdAt: daysAgo(purchase.days),
    })),
  };
}

let sim: LineSimulator;
let stack: ConsoleStack;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };
let worker: { stop: () => Promise<void> } | undefined;

const simAdmin = simAdminAt(() => sim.url);
const startWorker = () => startBroadcastWorker(stack, { lineApiUrl: sim.url });

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
    users: PEOPLE.map((_, i) => ({ userId: lineIdOf(i + 1) })),
  });
  await simAdmin('PUT', '/__sim/limits', { monthlyQuota: 1_000 });
  stack = await startConsoleStack({
    now: NOW,
    config: { line: { apiBaseUrl: sim.url, dataApiBaseUrl: sim.url } } as never,
    seed: (services) => seedDatabase(services.database.db, seedOf()),
  });
  await stack.addUser('marketer@tea.example', [[BRAND, 'marketer']]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await worker?.stop();
  await browser?.close();
  await zhBrowser?.close();
  await stack?.close();
  await sim?.close();
});

function signedIn(context: BrowserContext, path: string): Promise<Page> {
  return openSignedInPage(stack, context, { email: 'marketer@tea.example', path, timeout: UI_HANG_MS });
}

/** "Bought tea in the last 30 days" and "member region: Taipei", through the builder's controls. */
async function buildTeaInTaipei(page: Page, labels: { condition: string; add: string; items: RegExp }) {
  await page.getByLabel(labels.condition, { exact: true }).selectOption('bought');
  await page.getByRole('button', { name: labels.add }).click();
  await page.getByLabel(labels.items).fill('茶');
  await page.getByLabel(labels.condition, { exact: true }).selectOption('region');
  await page.getByRole('button', { name: labels.add }).click();
  await page.locator('.segment-row').nth(1).locator('select').selectOption('TW-TPE');
}

describe('broadcasts in the console', () => {
  test('when a marketer builds "bought tea in the last 30 days, in Taipei", composes two languages and sends, then the report fills and LINE got each member once in their language', async () => {
    const page = await signedIn(browser.context, '/broadcasts');
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await page.getByTestId('segment-count').waitFor();
    await buildTeaInTaipei(page, { condition: 'Condition', add: 'Add condition', items: /^Items/ });
    await expect(page.getByTestId('segment-count').innerText()).resolves.toBeDefined();
    await page
      .getByTestId('segment-count')
      .filter({ hasText: /^5 members$/ })
      .waitFor();
    await page.getByLabel('Segment name').fill('Tea buyers in Taipei');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText('Saved “Tea buyers in Taipei” (5 members).').waitFor();

    // Two languages: 繁體中文 (the brand's, default for everyone else) and English.
    await page.getByLabel('Text (繁體中文)').fill('{displayName}，好茶新品上市，本週點數加倍！');
    await page.getByRole('tab', { name: 'English' }).click();
    await page.getByLabel('Text (English)').fill('New tea is here: double points this week!');
    await page.locator('.chat-preview .lm-bubble').filter({ hasText: 'New tea is here' }).waitFor();
    await page.getByRole('tab', { name: /繁體中文/ }).click();
    // The preview fills the placeholder with the first sample member's name.
    await page
      .locator('.chat-preview .lm-bubble')
      .filter({ hasText: /^Member \d，好茶新品上市/ })
      .waitFor();
    await page.locator('h1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-broadcasts.en.png') });

    // What this broadcast does if quiet hours begin mid-send: the brand's setting (wait) is marked and
    // preselected; this one skips instead. The brand's quiet hours and cap are said below.
    const midSend = page.getByLabel('If quiet hours begin during the send');
    await midSend
      .locator('option', { hasText: 'The rest waits until they end (the brand’s setting)' })
      .waitFor({ state: 'attached' });
    expect(await midSend.inputValue()).toBe('wait');
    await midSend.selectOption('skip');
    await page
      .getByTestId('send-rules')
      .filter({ hasText: 'Quiet hours 21:00–09:00' })
      .filter({ hasText: '2 marketing messages in 7 days' })
      .waitFor();
    await page.locator('.new-broadcast > fieldset').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'composer-mid-send.en.png') });

    await page.getByRole('button', { name: 'Review and check quota' }).click();
    await page.getByTestId('review-reachable').filter({ hasText: '5' }).waitFor();
    await page
      .getByTestId('review-mid-send')
      .filter({ hasText: 'if quiet hours begin during the send, the rest is skipped' })
      .waitFor();
    await page
      .getByTestId('review-quota')
      .filter({ hasText: /left of 1,000/ })
      .waitFor();

    worker = startWorker();
    await page.getByRole('button', { name: 'Send now' }).click();
    const row = page.locator('tr[data-broadcast]').first();
    await row.getByText('Done').waitFor();
    await page.getByTestId('report-sent').filter({ hasText: /^5$/ }).waitFor();
    await page
      .getByTestId('report-quiet-hours')
      .filter({ hasText: 'if they begin during the send, the rest is skipped' })
      .waitFor();
    await page.locator('table.chunks tbody tr').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-broadcasts-report.en.png') });

    // At the LINE simulator: each of the five got exactly one message, in their own language; nobody else.
    const { perUser } = (await simAdmin('GET', '/__sim/deliveries?detail=1')) as {
      perUser: Record<string, number>;
    };
    expect(perUser).toEqual(Object.fromEntries(TARGETS.map((id) => [id, 1])));
    const received = sim.state.timeline.filter((entry) => entry.from === 'bot') as unknown as {
      userId: string;
      messages: { text: string }[];
    }[];
    const textOf = (userId: string) => received.find((entry) => entry.userId === userId)?.messages[0]?.text;
    expect(textOf(lineIdOf(1))).toBe('Member 1，好茶新品上市，本週點數加倍！');
    expect(textOf(lineIdOf(2))).toBe('New tea is here: double points this week!');
    expect(textOf(lineIdOf(4))).toBe('New tea is here: double points this week!');
    const { requests } = (await simAdmin('GET', '/__sim/send-requests?via=multicast')) as {
      requests: { status: number; retryKey: string }[];
    };
    // zh-TW members' messages are personal ({displayName}): one request each; the English ones share one.
    expect(requests.map((entry) => entry.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(requests.map((entry) => entry.retryKey)).size).toBe(4);
    await page.close();
  });

  test('when a marketer builds "(region Taipei OR tagged vip) AND NOT redeemed" from the keyboard with a nested group, then the live count and sample equal the API\'s', async () => {
    const page = await signedIn(browser.context, '/broadcasts');
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await page.getByTestId('segment-count').waitFor();
    const outer = page.getByRole('group', { name: 'Who receives it' });

    // A group at the top level: the button focuses the new group's own condition picker.
    await outer.getByRole('button', { name: 'Add group' }).click();
    const group = page.getByRole('group', { name: 'Group 1', exact: true });
    const picker = group.getByLabel('Condition', { exact: true });
    await group.locator('select[data-adder]:focus').waitFor();
    // Inside it, from the keyboard: pick "Member region", add it, choose Taipei.
    await picker.selectOption('region');
    await page.keyboard.press('Tab');
    await group.locator('button:focus', { hasText: 'Add condition' }).waitFor();
    await page.keyboard.press('Enter');
    await group.locator('.segment-row select[multiple]:focus').waitFor();
    await group.getByRole('group', { name: 'Member region' }).getByLabel('Regions').selectOption(['TW-TPE']);
    // …OR tagged vip.
    await group.getByLabel('Condition', { exact: true }).selectOption('tag');
    await group.getByRole('button', { name: 'Add condition' }).click();
    await group.getByRole('group', { name: 'Tag' }).locator('input:focus').waitFor();
    await page.keyboard.type('vip');
    await group.getByLabel('Group 1 matches').selectOption('or');
    await group.getByText('or', { exact: true }).waitFor();

    // AND NOT redeemed, at the top level, after the group.
    const topPicker = page.locator('[data-adder]').last();
    await topPicker.selectOption('redeemed');
    await outer.getByRole('button', { name: 'Add condition' }).last().click();
    const redeemed = outer.getByRole('group', { name: 'Redeemed a reward' });
    await redeemed.getByRole('checkbox', { name: 'not' }).check();

    const condition = {
      type: 'and',
      conditions: [
        {
          type: 'or',
          conditions: [
            { type: 'region', regions: ['TW-TPE'] },
            { type: 'tag', tags: ['vip'] },
          ],
        },
        { type: 'not', condition: { type: 'redeemed' } },
      ],
    };
    const response = await page.request.post(`${stack.url}/api/console/segments/preview`, {
      headers: { 'x-proofline-brand': BRAND },
      data: { condition },
    });
    expect(response.status()).toBe(200);
    const api = (await response.json()) as { count: number; sample: { displayName: string }[] };
    expect(api.count).toBe(7);
    await page
      .getByTestId('segment-count')
      .filter({ hasText: new RegExp(`^${api.count} members$`) })
      .waitFor();
    await page.getByText(`Sample of ${api.sample.length} members`).click();
    const shown = await page.locator('.sample li').allInnerTexts();
    expect(shown.map((line) => line.split(' · ')[0]!.trim()).sort()).toEqual(
      api.sample.map((member) => member.displayName).sort(),
    );

    // Negating the group flips it: NOT (Taipei OR vip) AND NOT redeemed is members 7 and 10 (Kaohsiung).
    await group.getByRole('checkbox', { name: 'Not group 1' }).check();
    await page
      .getByTestId('segment-count')
      .filter({ hasText: /^2 members$/ })
      .waitFor();
    await page.locator('.segment-builder').screenshot({ path: join(SHOTS, 'segment-nested.en.png') });

    // Removing the group leaves NOT redeemed only, and focus goes back to the top level's picker.
    await group.getByRole('button', { name: 'Remove group 1' }).click();
    await page.locator('.segment-builder > .toolbar.adders select[data-adder]:focus').waitFor();
    await page
      .getByTestId('segment-count')
      .filter({ hasText: /^9 members$/ })
      .waitFor();
    await page.close();
  });

  test('when a marketer starts from a saved segment, changes it, saves the changes, renames it and deletes it, then the saved list follows each step', async () => {
    const page = await signedIn(browser.context, '/broadcasts');
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await page.getByTestId('segment-count').waitFor();
    await page.getByLabel('Condition', { exact: true }).selectOption('region');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.locator('.segment-row').first().locator('select').selectOption('TW-TPE');
    await page.getByLabel('Segment name').fill('Taipei members');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await page.getByText(/^Saved “Taipei members” \(\d+ members\)\.$/).waitFor();
    const actions = page.getByTestId('saved-segment-actions');
    await actions.getByText('Saved segment “Taipei members”').waitFor();
    await expect(actions.getByRole('button', { name: 'Save changes' }).isDisabled()).resolves.toBe(true);

    // Edited: the builder says so, and "Save changes" writes the new condition into the same segment.
    await page.locator('.segment-row').first().locator('select').selectOption('TW-KHH');
    await actions.getByText('edited, not saved').waitFor();
    await actions.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText(/^Saved the changes to “Taipei members” \(\d+ members\)\.$/).waitFor();
    await page.getByLabel('Segment name').fill('Kaohsiung members');
    await page.getByRole('button', { name: 'Rename “Taipei members” to this' }).click();
    await page.getByText('Renamed “Taipei members” to “Kaohsiung members”.').waitFor();
    await page.screenshot({ path: join(SHOTS, 'console-segment-saved.en.png'), fullPage: true });

    // A fresh composer starts from it with the saved condition.
    await page.reload();
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await page.getByLabel('Start from').selectOption({ label: 'Kaohsiung members' });
    // The builder takes the saved condition in a render after the choice: wait for it, then read it.
    await actions.getByText('Saved segment “Kaohsiung members”').waitFor();
    await page.waitForFunction(
      "document.querySelector('.segment-row select')?.value === 'TW-KHH'",
      undefined,
      {
        timeout: 10_000,
      },
    );
    await expect(page.locator('.segment-row').first().locator('select').inputValue()).resolves.toBe('TW-KHH');

    await actions.getByRole('button', { name: 'Delete segment…' }).click();
    await actions
      .getByText('Delete “Kaohsiung members”? Broadcasts already made from it keep their audience.')
      .waitFor();
    await page.screenshot({ path: join(SHOTS, 'console-segment-delete.en.png'), fullPage: true });
    await actions.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Deleted “Kaohsiung members”.').waitFor();
    await expect(page.getByLabel('Start from').locator('option').allInnerTexts()).resolves.not.toContain(
      'Kaohsiung members',
    );
    const listed = await page.evaluate(async () => {
      const answer = await fetch('/api/console/segments');
      return ((await answer.json()) as { segments: { name: string }[] }).segments.map(
        (segment) => segment.name,
      );
    });
    expect(listed).not.toContain('Kaohsiung members');
    expect(listed).not.toContain('Taipei members');
    await page.close();
  });

  test('when a marketer links their own LINE account with the code LINE delivered and sends a test to it, then that account gets its language version with the placeholders filled', async () => {
    const mine = lineIdOf(2); // the marketer is also member 2, who reads English
    const page = await signedIn(browser.context, '/broadcasts');
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await page.getByLabel('Text (繁體中文)').fill('{displayName}，測試訊息');
    await page.getByRole('tab', { name: 'English' }).click();
    await page.getByLabel('Text (English)').fill('A test for {displayName}');
    const panel = page.getByRole('group', { name: 'Send a test to me' });
    await panel.getByLabel('Your LINE user ID on this channel').fill(mine);
    await panel.getByRole('button', { name: 'Send a code to this LINE account' }).click();
    await panel.getByRole('status').filter({ hasText: 'A 6-digit code was sent' }).waitFor();
    const { entries } = (await simAdmin('GET', `/__sim/messages?userId=${mine}`)) as {
      entries: { from: string; messages: { text: string }[] }[];
    };
    const codeText = entries.at(-1)!.messages[0]!.text;
    const code = /(\d{6})/.exec(codeText)![1]!;
    await panel.getByLabel('Code from LINE').fill(code);
    await panel.getByRole('button', { name: 'Verify' }).click();
    await panel
      .getByTestId('test-line-user')
      .filter({ hasText: mine.slice(-6) })
      .waitFor();
    await panel.getByRole('button', { name: 'Send a test to me' }).click();
    await panel
      .getByRole('status')
      .filter({ hasText: /^Sent to your LINE account \(9 more this hour\)/ })
      .waitFor();
    const after = (await simAdmin('GET', `/__sim/messages?userId=${mine}`)) as { entries: typeof entries };
    expect(after.entries.at(-1)!.messages.map((message) => message.text)).toEqual(['A test for Member 2']);
    await panel.screenshot({ path: join(SHOTS, 'test-send.en.png') });
    await page.close();
  });

  test('when the page is in zh-TW, then the builder and the list speak it', async () => {
    const page = await signedIn(zhBrowser.context, '/broadcasts');
    await page.locator('tr[data-broadcast]').first().getByText('完成').waitFor();
    await page.getByRole('button', { name: '新增群發' }).click();
    await buildTeaInTaipei(page, { condition: '條件類型', add: '新增條件', items: /^品項/ });
    await page.getByTestId('segment-count').filter({ hasText: '5 位會員' }).waitFor();
    await page
      .getByLabel('發送途中進入勿擾時段時')
      .locator('option', { hasText: '其餘訊息等到時段結束再發送（品牌設定）' })
      .waitFor({ state: 'attached' });
    await page.getByTestId('send-rules').filter({ hasText: '勿擾時段為品牌時區 21:00–09:00' }).waitFor();
    await page.locator('.new-broadcast > fieldset').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'composer-mid-send.zh-TW.png') });
    await page.getByLabel('文字（繁體中文）').fill('好茶新品上市！');
    await page.getByRole('button', { name: '新增群組' }).click();
    await page.getByRole('group', { name: '群組 3', exact: true }).getByText('空的群組不列入計算').waitFor();
    await page.locator('.segment-builder').screenshot({ path: join(SHOTS, 'segment-nested.zh-TW.png') });
    await page.locator('h1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-broadcasts.zh-TW.png') });
    await page.close();
  });

  test('when a marketer sends a test to their own LINE in zh-TW, then the panel speaks it and their LINE gets the zh-TW version', async () => {
    const mine = lineIdOf(1); // member 1 reads 繁體中文
    const page = await signedIn(zhBrowser.context, '/broadcasts');
    await page.getByRole('button', { name: '新增群發' }).click();
    await page.getByLabel('文字（繁體中文）').fill('{displayName}，好茶新品上市！');
    const panel = page.getByRole('group', { name: '傳送測試給我' });
    // Another test may have linked the same console user's LINE account: start from an unlinked panel.
    // The panel shows one form or the other once it knows (nothing while it reads the link).
    const unlink = panel.getByRole('button', { name: '解除連結' });
    const lineUserId = panel.getByLabel('你在此頻道的 LINE 使用者 ID');
    await lineUserId.or(unlink).waitFor();
    if (await unlink.isVisible()) await unlink.click();
    await lineUserId.fill(mine);
    await panel.getByRole('button', { name: '傳送驗證碼到此 LINE 帳號' }).click();
    await panel.getByRole('status').filter({ hasText: '6 位數驗證碼已傳到該 LINE 帳號' }).waitFor();
    const { entries } = (await simAdmin('GET', `/__sim/messages?userId=${mine}`)) as {
      entries: { from: string; messages: { text: string }[] }[];
    };
    const code = /(\d{6})/.exec(entries.at(-1)!.messages[0]!.text)![1]!;
    await panel.getByLabel('LINE 收到的驗證碼').fill(code);
    await panel.getByRole('button', { name: '驗證', exact: true }).click();
    await panel
      .getByTestId('test-line-user')
      .filter({ hasText: mine.slice(-6) })
      .waitFor();
    await panel.getByRole('button', { name: '傳送測試給我', exact: true }).click();
    await panel
      .getByRole('status')
      .filter({ hasText: /^已傳到你的 LINE 帳號/ })
      .waitFor();
    const after = (await simAdmin('GET', `/__sim/messages?userId=${mine}`)) as { entries: typeof entries };
    expect(after.entries.at(-1)!.messages.map((message) => message.text)).toEqual([
      'Member 1，好茶新品上市！',
    ]);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-broadcasts-test-send.zh-TW.png') });
    await page.close();
  });
});
