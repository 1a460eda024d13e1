import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { brands } from '../../core/brands/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { HANG_GUARD_MS, UI_HANG_MS } from '../support/timing.js';
import { openDesktopBrowser } from './support/chromium.js';
import {
  signInThroughPage,
  STACK_PASSWORD,
  startConsoleStack,
  type ConsoleStack,
} from './support/console-stack.js';

const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');

const BRANDS = [
  {
    id: 'brd_tea',
    slug: 'good-tea',
    name: 'Good Tea',
    country: 'TW' as const,
    defaultLocale: 'zh-TW' as const,
    timezone: 'Asia/Taipei',
  },
  {
    id: 'brd_thai',
    slug: 'siam-snacks',
    name: 'Siam Snacks',
    country: 'TH' as const,
    defaultLocale: 'th' as const,
    timezone: 'Asia/Bangkok',
  },
];

let stack: ConsoleStack;
let browser: { context: BrowserContext; close: () => Promise<void> };
let zhBrowser: { context: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  // Local mode: the stack serves plain http, where a Secure session cookie would not be kept.
  stack = await startConsoleStack({
    seed: async (services) => {
      await services.database.db.insert(brands).values(BRANDS);
    },
  });
  await stack.addUser('owner@tea.example', [['brd_tea', 'owner']]);
  await stack.addUser('reviewer@tea.example', [['brd_tea', 'reviewer']]);
  await stack.addUser('agency@example.com', [
    ['brd_tea', 'viewer'],
    ['brd_thai', 'owner'],
  ]);
  browser = await openDesktopBrowser({ locale: 'en-US' });
  zhBrowser = await openDesktopBrowser({ locale: 'zh-TW' });
}, HANG_GUARD_MS);

afterAll(async () => {
  await browser?.close();
  await zhBrowser?.close();
  await stack?.close();
});

async function freshPage(context: BrowserContext): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  // Wait for conditions as long as a loaded machine needs; the hang guard only stops a real hang.
  page.setDefaultTimeout(UI_HANG_MS);
  await page.goto(`${stack.url}/console/`);
  await page.evaluate('localStorage.clear()');
  await page.reload();
  return page;
}

const navLabels = (page: Page) => page.locator('nav.nav a').allInnerTexts();

describe('the console shell', () => {
  test('when an owner signs in through the English page, then every section is in the navigation', async () => {
    const page = await freshPage(browser.context);
    // The page asks the API who is signed in before it shows the form: wait for the form, as a person would.
    await page.getByLabel('Email').waitFor();
    await page.getByLabel('Password').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-sign-in.en.png') });

    await page.getByLabel('Email').fill('owner@tea.example');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();

    await page.getByLabel('Password').fill(STACK_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('nav.nav').waitFor();

    expect(await navLabels(page)).toEqual([
      'Review',
      'Campaigns',
      'Rewards',
      'Draws',
      'Members',
      'Analytics',
      'Broadcasts',
      'Team',
      'Settings',
      'Audit log',
    ]);
    // The home is the first page the role opens.
    await page.waitForURL(/\/console\/review$/);
    // Every section is a working page now (no "coming soon" placeholder is left).
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Analytics' }).first().waitFor();
    await expect(page.locator('.coming').count()).resolves.toBe(0);
    await page.close();
  });

  test('when a reviewer signs in, then only what the role allows is shown, and a typed URL is refused', async () => {
    const page = await freshPage(browser.context);
    await signInThroughPage(page, { email: 'reviewer@tea.example' });

    expect(await navLabels(page)).toEqual(['Review', 'Campaigns', 'Members']);
    await page.goto(`${stack.url}/console/rewards`);
    await page.getByText('Your role on this brand cannot open this page.').waitFor();
    expect(await page.getByRole('heading', { name: 'Rewards' }).count()).toBe(0);
    await page.close();
  });

  test('when a user of two brands switches brand, then the role and the navigation follow; the choice is kept', async () => {
    const page = await freshPage(browser.context);
    await signInThroughPage(page, { email: 'agency@example.com' });
    const brand = page.getByTestId('brand');
    expect(await brand.inputValue()).toBe('good-tea');
    expect(await page.getByTestId('role').innerText()).toBe('Viewer');
    expect(await navLabels(page)).not.toContain('Team');

    await brand.selectOption('siam-snacks');
    await page.getByTestId('role').filter({ hasText: 'Owner' }).waitFor();
    expect(await navLabels(page)).toContain('Team');

    await page.reload();
    await page.locator('nav.nav').waitFor();
    expect(await page.getByTestId('brand').inputValue()).toBe('siam-snacks');
    await page.close();
  });

  test('when signing out, then the sign-in page comes back and the API refuses the old cookie', async () => {
    const page = await freshPage(browser.context);
    await signInThroughPage(page, { email: 'owner@tea.example' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/console/me')).status);
    expect(me).toBe(401);
    await page.close();
  });
});

describe('languages', () => {
  test('when the browser speaks Chinese, then the console does; a chosen language is remembered', async () => {
    const page = await freshPage(zhBrowser.context);
    await page.getByRole('button', { name: '登入' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-sign-in.zh-TW.png') });
    await signInThroughPage(page, { email: 'owner@tea.example' });
    expect(await navLabels(page)).toContain('審核');
    await page.getByRole('link', { name: '數據分析' }).click();
    await page.getByRole('heading', { name: '數據分析' }).first().waitFor();

    await page.getByTestId('language').selectOption('th');
    await page.getByRole('link', { name: 'การวิเคราะห์' }).waitFor();
    await page.reload();
    await page.locator('nav.nav').waitFor();
    expect(await navLabels(page)).toContain('ตรวจสอบ');
    expect(await page.evaluate('document.documentElement.lang')).toBe('th');
    await page.close();
  });
});
