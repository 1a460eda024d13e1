import { chromium, type Browser, type BrowserContext } from 'playwright-core';

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

/** The Chromium this test file's contexts share, and how many of them are open. */
let shared: { browser: Promise<Browser>; contexts: number } | undefined;

/**
 * A new context (its own cookies, storage, viewport and locale) in the one headless Chromium of this
 * test file: a file that needs a browser per language or per person gets a context each, not a Chromium
 * each (a launch is ~0.5 s of CPU and ~1–1.5 s of wall at load 10–20, and ~100 MB; decision 002).
 * Chromium stops when the file's last context closes. jest gives each test file its own module
 * registry, so files never share one.
 */
async function openBrowser(options: {
  viewport: { width: number; height: number };
  isMobile?: boolean;
  hasTouch?: boolean;
  locale?: string;
}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  shared ??= { browser: launchChromium(), contexts: 0 };
  const mine = shared;
  mine.contexts++;
  let context: BrowserContext;
  try {
    context = await (await mine.browser).newContext({ deviceScaleFactor: 1, ...options });
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  } catch (error) {
    await release(mine);
    throw error;
  }
  let closed = false;
  return {
    context,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close();
      await release(mine);
    },
  };
}

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
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
}

/** One context fewer on `owner`'s Chromium; the last one out stops it. */
async function release(owner: NonNullable<typeof shared>): Promise<void> {
  owner.contexts--;
  if (owner.contexts > 0) return;
  if (shared === owner) shared = undefined;
  await (await owner.browser.catch(() => undefined))?.close();
}
