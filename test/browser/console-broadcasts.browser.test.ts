import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { deliverBroadcastChunks } from '../../core/broadcasts/index.js';
import { createLineSdkMessenger } from '../../core/messaging/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { seedDatabase, type TestSeed } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { signInThroughPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
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
      {
        id: 'cmp_bcb',
        brandId: BRAND,
        slug: 'tea',
        name: { 'zh-TW': '好茶', en: 'Good tea' },
        status: 'active',
        timezone: 'Asia/Taipei',
        currency: 'TWD',
        purchaseFrom: '2026-01-01',
        purchaseTo: '2026-03-31',
        registerFrom: new Date('2026-01-01T00:00:00Z'),
        registerTo: new Date('2026-04-07T00:00:00Z'),
        proofKinds: ['einvoice_qr'],
        rules: {},
        rewards: {},
      },
    ],
    members: PEOPLE.map((person, i) => ({
      id: `mbr_bcb${n(i)}`,
      brandId: BRAND,
      lineUserId: lineIdOf(n(i)),
      locale: person.locale,
      displayName: `Member ${n(i)}`,
      region: person.region,
      registeredAt: daysAgo(60),
      followedAt: daysAgo(90),
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

const simAdmin = (method: string, path: string, body?: unknown) =>
  fetch(`${sim.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((response) => response.json() as Promise<Record<string, unknown>>);

/** The worker process's broadcasts job, run in rounds beside the web stack until stopped. */
function startWorker(): { stop: () => Promise<void> } {
  const { services } = stack;
  const messenger = createLineSdkMessenger({ apiBaseUrl: sim.url, sendTimeoutMs: HANG_GUARD_MS });
  let running = true;
  const loop = (async () => {
    while (running) {
      await deliverBroadcastChunks({
        db: services.database.db,
        clock: services.clock,
        logger: services.logger,
        generateId: services.generateId,
        messenger,
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

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

async function signedIn(context: BrowserContext, path: string): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  page.setDefaultTimeout(HANG_GUARD_MS);
  await page.goto(`${stack.url}/console/`);
  await page.evaluate('localStorage.clear()');
  await page.reload();
  await signInThroughPage(page, { email: 'marketer@tea.example' });
  await page.goto(`${stack.url}/console${path}`);
  return page;
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
    await page.locator('.chat-preview .bubble').filter({ hasText: 'New tea is here' }).waitFor();
    await page.getByRole('tab', { name: /繁體中文/ }).click();
    // The preview fills the placeholder with the first sample member's name.
    await page
      .locator('.chat-preview .bubble')
      .filter({ hasText: /^Member \d，好茶新品上市/ })
      .waitFor();
    await page.locator('h1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-broadcasts.en.png') });

    await page.getByRole('button', { name: 'Review and check quota' }).click();
    await page.getByTestId('review-reachable').filter({ hasText: '5' }).waitFor();
    await page
      .getByTestId('review-quota')
      .filter({ hasText: /left of 1,000/ })
      .waitFor();

    worker = startWorker();
    await page.getByRole('button', { name: 'Send now' }).click();
    const row = page.locator('tr[data-broadcast]').first();
    await row.getByText('Done').waitFor();
    await page.getByTestId('report-sent').filter({ hasText: /^5$/ }).waitFor();
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

  test('when the page is in zh-TW, then the builder and the list speak it', async () => {
    const page = await signedIn(zhBrowser.context, '/broadcasts');
    await page.locator('tr[data-broadcast]').first().getByText('完成').waitFor();
    await page.getByRole('button', { name: '新增群發' }).click();
    await buildTeaInTaipei(page, { condition: '條件類型', add: '新增條件', items: /^品項/ });
    await page.getByTestId('segment-count').filter({ hasText: '5 位會員' }).waitFor();
    await page.getByLabel('文字（繁體中文）').fill('好茶新品上市！');
    await page.locator('h1').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-broadcasts.zh-TW.png') });
    await page.close();
  });
});
