import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Response } from 'express';
import { projectRoot } from '../../core/shared/paths.js';
import type { AppModule } from '../create-app.js';

/** Where `npm run build` (and `npm ci`, through the postinstall script) puts the built console app. */
export const CONSOLE_APP_DIST_DIR = join(projectRoot, 'console-app', 'dist');

/** The base path the console app is built for (console-app/vite.config.ts `base`). */
export const CONSOLE_APP_BASE = '/console';

/**
 * The console's pages load only their own scripts, styles and photos; nothing may frame them (a framed
 * console could be clickjacked into approving proofs).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function setPageHeaders(res: Response) {
  res.set({
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  });
}

/**
 * Serves the built console app at /console/ in every mode: hashed assets for a year, the page itself
 * never cached, and every client-side route (/console/review, /console/members/…) answered with the app's
 * page. The app is built at install time and by `npm run build`, never by this process: a checkout that
 * skipped both gets a page saying which command to run.
 */
export function createConsoleAppModule({
  staticDir = CONSOLE_APP_DIST_DIR,
}: {
  /** @default CONSOLE_APP_DIST_DIR */
  staticDir?: string | undefined;
} = {}): AppModule {
  const router = Router();
  const indexPath = join(staticDir, 'index.html');

  router.get(/^\/console$/, (_req, res) => res.redirect(301, `${CONSOLE_APP_BASE}/`));
  router.use(
    `${CONSOLE_APP_BASE}/assets`,
    express.static(join(staticDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      setHeaders: (res) => res.setHeader('x-content-type-options', 'nosniff'),
    }),
  );
  router.get(/^\/console\/.*$/, (req, res) => {
    setPageHeaders(res);
    res.set('cache-control', 'no-cache');
    if (!existsSync(indexPath)) {
      res
        .status(503)
        .type('text/plain')
        .send(
          'The console app is not built. Run `npm run build` (or `npm ci`, which builds it) and reload.\n',
        );
      return;
    }
    // A path with a file extension that is not an asset is a missing file, not a page of the app.
    if (/\.[a-z0-9]+$/i.test(req.path) && !req.path.endsWith('.html')) {
      res.status(404).type('text/plain').send('Not found\n');
      return;
    }
    res.sendFile(indexPath);
  });
  return { json: router };
}
