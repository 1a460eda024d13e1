import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { projectRoot } from '../../core/shared/paths.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { seedDatabase } from '../support/database.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { signInThroughPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
const BRAND_ID = 'brd_team_tea';

type Browser = { context: BrowserContext; close: () => Promise<void> };
let stack: ConsoleStack;
let line: LineSimulator;
let owner: Browser;
let invited: Browser;
let zhOwner: Browser;

beforeAll(async () => {
  line = await startLineSimulator();
  stack = await startConsoleStack({
    now: '2026-03-02T02:00:00Z',
    config: { line: { apiBaseUrl: line.url, dataApiBaseUrl: line.url } } as never,
    seed: async (services) => {
      await seedDatabase(services.database.db, {
        brands: [
          {
            id: BRAND_ID,
            slug: 'team-tea',
            name: 'Team Tea',
            country: 'TW',
            defaultLocale: 'zh-TW',
            timezone: 'Asia/Taipei',
          },
        ],
      });
    },
  });
  await stack.addUser('owner@tea.example', [[BRAND_ID, 'owner']]);
  await stack.addUser('marketer@tea.example', [[BRAND_ID, 'marketer']]);
  owner = await openDesktopBrowser({ locale: 'en-US' });
  invited = await openDesktopBrowser({ locale: 'en-US' });
  zhOwner = await openDesktopBrowser({ locale: 'zh-TW' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await owner?.close();
  await invited?.close();
  await zhOwner?.close();
  await stack?.close();
  await line?.close();
});

async function signedIn(context: BrowserContext, email: string, path: string): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  page.setDefaultTimeout(UI_HANG_MS);
  await page.goto(`${stack.url}/console/`);
  await signInThroughPage(page, { email });
  await page.goto(`${stack.url}/console${path}`);
  return page;
}

describe('the team page', () => {
  test('when an owner invites a reviewer, then the reviewer sets a password, works Review only, and is signed out when disabled', async () => {
    const page = await signedIn(owner.context, 'owner@tea.example', '/team');
    await page.locator('table[data-testid=members] tr', { hasText: 'marketer@tea.example' }).waitFor();

    // Invite with the keyboard: the dialog opens with the email focused; Tab to the role, Enter submits.
    await page.getByRole('button', { name: 'Invite someone' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill('rita@tea.example');
    await dialog.getByLabel('Role').selectOption('reviewer');
    await dialog.getByLabel('Email').press('Enter');
    const linkInput = dialog.getByTestId('invite-link');
    await linkInput.waitFor();
    const link = await linkInput.inputValue();
    expect(link).toMatch(new RegExp(`^${stack.url.replace(/[.]/g, '\\.')}/console/invite#[\\w-]{40,}$`));
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await dialog.getByRole('button', { name: /Copy link|Copied/ }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('table[data-testid=invitations] tr', { hasText: 'rita@tea.example' }).waitFor();

    // The reviewer opens the link in another browser, sets a password, and is signed in.
    const reviewer = await invited.context.newPage();
    reviewer.setDefaultTimeout(UI_HANG_MS);
    await reviewer.goto(link);
    await reviewer.getByText('rita@tea.example').waitFor();
    await reviewer.getByLabel('Your name').fill('Rita');
    await reviewer.getByLabel('Password (at least 8 characters)').fill('rita-password-1');
    await reviewer.getByLabel('Password again').fill('rita-password-1');
    await reviewer.getByRole('button', { name: 'Set password and sign in' }).click();
    const nav = reviewer.locator('nav.nav');
    await nav.getByRole('link', { name: 'Review' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Rewards' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Team' }).count()).toBe(0);
    expect(reviewer.url()).not.toContain('#');

    // Rewards' URL opened directly is refused, and the server refuses its API too.
    await reviewer.goto(`${stack.url}/console/rewards`);
    await reviewer.getByText('Your role on this brand cannot open this page.').waitFor();
    const api = await invited.context.request.get(`${stack.url}/api/console/rewards`);
    expect(api.status()).toBe(403);

    // The link works once.
    const again = await invited.context.newPage();
    await again.goto(link);
    await again.getByText('This invitation link has already been used.').waitFor();
    await again.close();

    // The owner disables the reviewer (the confirmation is a second button, reachable by keyboard).
    await page.reload();
    const row = page.locator('table[data-testid=members] tr', { hasText: 'rita@tea.example' });
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByRole('button', { name: 'Yes, disable' }).press('Enter');
    await row.getByText('Disabled').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-team.en.png') });

    // The reviewer's next action lands on sign-in, and signing in again is refused.
    await reviewer.goto(`${stack.url}/console/review`);
    await reviewer.locator('#sign-in-email').waitFor();
    await reviewer.locator('#sign-in-email').fill('rita@tea.example');
    await reviewer.locator('#sign-in-password').fill('rita-password-1');
    await reviewer.locator('form.sign-in-form button[type=submit]').click();
    await reviewer.getByText('This account is disabled. Ask a brand owner.').waitFor();
    await reviewer.close();

    // The audit log tells the story, filterable by what was done.
    await page.goto(`${stack.url}/console/audit`);
    const audit = page.getByTestId('audit');
    await audit.getByText('Invited someone').waitFor();
    await audit.getByText('Accepted an invitation').waitFor();
    await page.getByLabel('What').selectOption({ label: 'Disabled someone' });
    await page.waitForURL(/action=team\.member_disabled/);
    await audit.locator('tbody tr', { hasText: 'rita@tea.example' }).first().waitFor();
    expect(await audit.getByText('Invited someone').count()).toBe(0);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await audit.getByText('Invited someone').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-audit.en.png') });
    await page.close();
  });

  test('when the owner connects a LINE channel, then the secrets stay masked and the credentials are tested against LINE', async () => {
    const page = await signedIn(owner.context, 'owner@tea.example', '/settings');
    await page.getByRole('heading', { name: 'Brand profile' }).waitFor();
    await page.getByRole('button', { name: 'Add a channel' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Channel ID', { exact: true }).fill('1656000001');
    await dialog.getByLabel('Name', { exact: true }).fill('Team Tea OA');
    await dialog.getByLabel('Channel secret').fill('0123456789abcdef0123456789abcdef');
    await dialog.getByLabel('Channel access token').fill('tea-token-abcdefghijklmnopqrstuvwxyz');
    await dialog.getByLabel('LIFF ID').fill('1656000002-TeaLiffA');
    await dialog.getByLabel('LIFF ID').press('Enter');
    const card = page.getByTestId('channel').filter({ hasText: 'Team Tea OA' });
    await card.getByText('••••••••cdef').waitFor();
    expect(await page.content()).not.toContain('0123456789abcdef0123456789abcdef');
    expect(await card.getByLabel('Webhook URL').inputValue()).toBe(`${stack.url}/webhook/1656000001`);

    // The simulator does not know the token yet: LINE's own refusal is shown.
    await card.getByRole('button', { name: 'Test credentials' }).click();
    await card.getByText(/LINE refused \(401\)/).waitFor();
    await request(line.url).put('/__sim/channels/1656000001').send({
      channelSecret: '0123456789abcdef0123456789abcdef',
      channelAccessToken: 'tea-token-abcdefghijklmnopqrstuvwxyz',
    });
    await card.getByRole('button', { name: 'Test credentials' }).click();
    await card.getByText(/OK: LINE knows this token/).waitFor();

    // The profile: a new name shows in the shell at once.
    await page.getByLabel('Name', { exact: true }).fill('Team Tea Taipei');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('The brand profile is saved.').waitFor();
    await page.locator('header.topbar').getByText('Team Tea Taipei').waitFor();
    await page.getByRole('heading', { name: 'Settings' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-settings.en.png') });
    await page.close();
  });

  test('when the owner reads it in zh-TW, then every word is Chinese', async () => {
    const page = await signedIn(zhOwner.context, 'owner@tea.example', '/team');
    await page.getByRole('heading', { name: '團隊' }).waitFor();
    await page.locator('table[data-testid=members] tr', { hasText: 'rita@tea.example' }).waitFor();
    await page.getByRole('button', { name: '邀請成員' }).click();
    await page.getByRole('dialog').getByLabel('電子郵件').fill('ken@tea.example');
    await page.getByRole('button', { name: '建立邀請連結' }).click();
    await page.getByRole('dialog').getByTestId('invite-link').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-team.zh-TW.png') });
    await page.keyboard.press('Escape');
    await page.goto(`${stack.url}/console/audit`);
    await page.getByTestId('audit').getByText('邀請成員').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-audit.zh-TW.png') });
    await page.goto(`${stack.url}/console/settings`);
    await page.getByRole('heading', { name: '品牌資料' }).waitFor();
    await page.getByTestId('channel').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-settings.zh-TW.png') });
    await page.close();
  });
});
