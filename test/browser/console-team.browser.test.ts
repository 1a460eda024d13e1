import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { projectRoot } from '../../core/shared/paths.js';
import { seedDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import { signInThroughPage, startConsoleStack, type ConsoleStack } from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');
const BRAND_ID = 'brd_team_tea';

type Browser = { context: BrowserContext; close: () => Promise<void> };
let stack: ConsoleStack;
let owner: Browser;
let invited: Browser;
let zhOwner: Browser;

beforeAll(async () => {
  stack = await startConsoleStack({
    now: '2026-03-02T02:00:00Z',
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
});

async function signedIn(context: BrowserContext, email: string, path: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(HANG_GUARD_MS);
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
    reviewer.setDefaultTimeout(HANG_GUARD_MS);
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
    await page.close();
  });
});
