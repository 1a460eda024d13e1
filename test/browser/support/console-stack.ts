import type { BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../../bot/create-app.js';
import { listen, type WebServer } from '../../../bot/server.js';
import { buildAppModules } from '../../../bot/start.js';
import type { Services } from '../../../core/app/build-services.js';
import { createConsoleUser, grantConsoleMembership, type ConsoleRole } from '../../../core/console/index.js';
import { buildTestServices, type TestServices } from '../../support/services.js';
import { buildConsoleAppOnce, releaseConsoleApp } from './console-build.js';

/** The password of every console user the stack makes. */
export const STACK_PASSWORD = 'console-test-password';

export type ConsoleStack = {
  url: string;
  services: TestServices;
  /** Adds a console user with roles on brands (by id); they sign in with STACK_PASSWORD. */
  addUser: (email: string, memberships: [brandId: string, role: ConsoleRole][]) => Promise<{ id: string }>;
  close: () => Promise<void>;
};

/**
 * The web process as `npm start` builds it (every app module, the console app served at /console/),
 * on 127.0.0.1 with a fresh database; `seed` fills it before the first request.
 */
export async function startConsoleStack({
  now,
  config,
  seed,
}: {
  now?: string;
  config?: NonNullable<Parameters<typeof buildTestServices>[0]>['config'];
  seed?: (services: TestServices) => Promise<void>;
} = {}): Promise<ConsoleStack> {
  const consoleAppDir = await buildConsoleAppOnce();
  const services = await buildTestServices({ now, config });
  await seed?.(services);
  const app = createApp(services as Services, buildAppModules(services as Services, { consoleAppDir }));
  const web: WebServer = await listen(app, { port: 0, host: '127.0.0.1' });
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  return {
    url: web.url.replace('localhost', '127.0.0.1'),
    services,
    addUser: async (email, memberships) => {
      const { user } = await createConsoleUser(deps, {
        email,
        name: email.split('@')[0]!,
        password: STACK_PASSWORD,
      });
      for (const [brandId, role] of memberships)
        await grantConsoleMembership(deps, { userId: user.id, brandId, role });
      return { id: user.id };
    },
    close: async () => {
      await web.close();
      await services.database.close();
      releaseConsoleApp();
    },
  };
}

/** Signs in through the real sign-in page (in whatever language it shows) and waits for the navigation. */
export async function signInThroughPage(
  page: Page,
  { email, password = STACK_PASSWORD }: { email: string; password?: string },
) {
  await page.locator('#sign-in-email').fill(email);
  await page.locator('#sign-in-password').fill(password);
  await page.locator('form.sign-in-form button[type=submit]').click();
  await page.locator('nav.nav').waitFor();
}

/**
 * A fresh tab of `context` signed in as `email` (cookies and the remembered brand/language cleared
 * first), then opened at `path` (`/members`) of the console.
 */
export async function openSignedInPage(
  stack: Pick<ConsoleStack, 'url'>,
  context: BrowserContext,
  { email, password, path, timeout }: { email: string; password?: string; path: string; timeout: number },
): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  await page.goto(`${stack.url}/console/`);
  await page.evaluate('localStorage.clear()');
  await page.reload();
  await signInThroughPage(page, { email, ...(password ? { password } : {}) });
  await page.goto(`${stack.url}/console${path}`);
  return page;
}
