import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../core/shared/paths.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { seedDatabase } from '../support/database.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { simAdminAt } from '../support/line-sim-admin.js';
import { startBroadcastWorker } from './support/broadcast-worker.js';
import { openDesktopBrowser } from './support/chromium.js';
import { type ConsoleStack, openSignedInPage, startConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
const BRAND = 'brd_ncb';
/** 12:00 in Taipei: outside quiet hours. */
const NOW = '2026-03-10T04:00:00Z';
const CHANNEL = { lineChannelId: '2400000021', channelAccessToken: 'ncb-token' };
const FRIENDS = 120;
const lineIdOf = (n: number) => `U${(0xe000 + n).toString(16).padStart(32, '0')}`;
/** LINE's friends of the account: even ones women; every fourth in Kaohsiung (tw_06), the rest in Taipei. */
const demographicsOf = (i: number) => ({
  gender: i % 2 === 0 ? ('female' as const) : ('male' as const),
  age: 20 + (i % 30),
  area: i % 4 === 1 ? 'tw_06' : 'tw_01',
  appType: 'ios' as const,
  friendDays: 100,
});
const taipeiWomen = Array.from({ length: FRIENDS }, (_, i) => i).filter((i) => i % 2 === 0 && i % 4 !== 1);

let sim: LineSimulator;
let stack: ConsoleStack;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };
let worker: { stop: () => Promise<void> } | undefined;

const simAdmin = simAdminAt(() => sim.url);
const startWorker = () => startBroadcastWorker(stack, { lineApiUrl: sim.url, narrowcastPollMs: 0 });

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
    users: Array.from({ length: FRIENDS }, (_, i) => ({
      userId: lineIdOf(i),
      demographics: demographicsOf(i),
    })),
  });
  await simAdmin('PUT', '/__sim/limits', { monthlyQuota: 1_000 });
  stack = await startConsoleStack({
    now: NOW,
    config: { line: { apiBaseUrl: sim.url, dataApiBaseUrl: sim.url } } as never,
    seed: (services) =>
      seedDatabase(services.database.db, {
        brands: [
          {
            id: BRAND,
            slug: 'ncb',
            name: '好茶',
            country: 'TW',
            defaultLocale: 'zh-TW',
            timezone: 'Asia/Taipei',
          },
        ],
        lineChannels: [{ id: 'chn_ncb', brandId: BRAND, name: 'tw', channelSecret: 's', ...CHANNEL }],
        // 80 of LINE's friends are members we know.
        members: Array.from({ length: 80 }, (_, i) => ({
          id: `mbr_ncb${i}`,
          brandId: BRAND,
          lineUserId: lineIdOf(i),
          locale: 'zh-TW' as const,
        })),
      }),
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

describe('narrowcast in the console (LINE demographic filters)', () => {
  test('when a marketer picks "women in Taipei City" as LINE\'s filter and sends, then the warnings show, the report shows LINE\'s progress, and each target got it once', async () => {
    const page = await signedIn(browser.context, '/broadcasts');
    await page.getByRole('button', { name: 'New broadcast' }).click();
    await page.getByLabel("LINE's demographic filter (narrowcast)").check();
    await page.getByLabel('Gender').selectOption('female');
    await page.getByLabel('Taipei City', { exact: true }).check();
    await page.getByTestId('narrowcast-warning').waitFor();
    await page.getByLabel('Text (繁體中文)').fill('台北女性限定：好茶買一送一');
    // One text for everyone: no other languages, placeholders, A/B test or holdout to offer.
    expect(await page.getByRole('tab', { name: /English/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '{displayName}' }).count()).toBe(0);
    expect(await page.getByLabel('Holdout group (%)').count()).toBe(0);
    await page.locator('h1').scrollIntoViewIfNeeded();
    await page.screenshot({
      path: join(SCREENSHOTS, 'console-broadcasts-narrowcast.en.png'),
      fullPage: true,
    });

    await page.getByRole('button', { name: 'Review and check quota' }).click();
    // The friends we know (80 members following), not LINE's reach.
    await page.getByTestId('review-reachable').filter({ hasText: /^80$/ }).waitFor();
    worker = startWorker();
    await page.getByRole('button', { name: 'Send now' }).click();
    const row = page.locator('tr[data-broadcast]').first();
    await row.getByText('Done').waitFor();
    await page.getByTestId('narrowcast-phase').filter({ hasText: 'Succeeded' }).waitFor();
    await page
      .getByTestId('narrowcast-target')
      .filter({ hasText: String(taipeiWomen.length) })
      .waitFor();
    await page
      .getByTestId('report-sent')
      .filter({ hasText: String(taipeiWomen.length) })
      .waitFor();
    // The filter in words; nothing of a multicast's report (skips by reason, chunks of members).
    await page.getByTestId('narrowcast-filter').filter({ hasText: 'Women · Taipei City' }).waitFor();
    expect(await page.getByText('Skipped: blocked').count()).toBe(0);
    expect(await page.locator('table.chunks').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-broadcasts-narrowcast-report.en.png') });

    const { perUser } = (await simAdmin('GET', '/__sim/deliveries?detail=1')) as {
      perUser: Record<string, number>;
    };
    expect(perUser).toEqual(Object.fromEntries(taipeiWomen.map((i) => [lineIdOf(i), 1])));
    const { requests } = (await simAdmin('GET', '/__sim/send-requests?via=narrowcast')) as {
      requests: { status: number; body: { filter: unknown } }[];
    };
    expect(requests.map((entry) => entry.status)).toEqual([202]);
    expect(requests[0]!.body.filter).toEqual({
      demographic: {
        type: 'operator',
        and: [
          { type: 'gender', oneOf: ['female'] },
          { type: 'area', oneOf: ['tw_01'] },
        ],
      },
    });
    await page.close();
  });

  test('when the page is in zh-TW, then the narrowcast option and its warnings speak it', async () => {
    const page = await signedIn(zhBrowser.context, '/broadcasts');
    await page.getByRole('button', { name: '新增群發' }).click();
    await page.getByLabel('LINE 人口統計篩選（narrowcast）').check();
    await page.getByLabel('性別').selectOption('female');
    await page.getByLabel('臺北市', { exact: true }).check();
    await page.getByText('使用 narrowcast 前請注意').waitFor();
    await page.locator('h1').scrollIntoViewIfNeeded();
    await page.screenshot({
      path: join(SCREENSHOTS, 'console-broadcasts-narrowcast.zh-TW.png'),
      fullPage: true,
    });
    await page.close();
  });
});
