import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The system Chromium (CI installs it with apt-get; no browser download). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** A phone-sized headless Chromium; every request outside 127.0.0.1 is refused, so the page cannot phone home. */
export async function openPhoneBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  return openBrowser({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
}

/** A desktop headless Chromium at 1280×800 (the console's screenshots), speaking `locale` first. */
export async function openDesktopBrowser({ locale = 'en-US' }: { locale?: string } = {}): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  return openBrowser({ viewport: { width: 1280, height: 800 }, locale });
}

async function openBrowser(options: {
  viewport: { width: number; height: number };
  isMobile?: boolean;
  hasTouch?: boolean;
  locale?: string;
}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'proofline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    deviceScaleFactor: 1,
    ...options,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
