import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';
import type { Services } from '../../core/app/build-services.js';
import {
  createCachedIdTokenVerifier,
  createHttpIdTokenVerifier,
  type IdTokenVerifier,
} from '../../core/members/members.id-token.js';
import { getDefaultLiffId, getLiffChannel } from '../../core/members/members.liff.js';
import { createHttpMembershipDirectory, type MembershipDirectory } from '../../core/membership-link/index.js';
import { createNotFoundError } from '../../core/shared/errors.js';
import { projectRoot } from '../../core/shared/paths.js';
import type { AppModule } from '../create-app.js';
import { createLiffAuthMiddleware } from './liff.auth.js';
import { createLiffProofRouter, type LiffProofSubmitter, type LiffReceiptIngester } from './liff.proofs.js';
import { createLiffMemberRouter } from './liff.routes.js';

export type { LiffProofSubmitter, LiffReceiptIngester } from './liff.proofs.js';
export { createLineSimulatorIdTokenMinter } from './liff.dev-login.js';
export { createLiffAuthMiddleware, getLiffContext, LIFF_ID_HEADER, resolveLiffMember } from './liff.auth.js';

/** Where the built LIFF app is served from (`npm run build`, or the start command when stale). */
export const LIFF_DIST_DIR = join(projectRoot, 'liff-app', 'dist');

/**
 * Mints ID tokens for fake LINE users where LINE is simulated (local mode, tests): the LIFF mock has no
 * LINE login, so the page asks the server for a token the simulator's verify endpoint will accept.
 */
export type DevIdTokenMinter = (input: {
  clientId: string;
  userId: string;
  name?: string;
  /** @default 3600 */
  ttlSeconds?: number;
}) => Promise<string>;

export type LiffModuleOptions = {
  /** @default LINE's verify endpoint at `config.line.apiBaseUrl` (the simulator in local mode), cached. */
  verifier?: IdTokenVerifier;
  /** @default the HTTP adapter at `config.membership.apiBaseUrl` */
  membershipDirectory?: MembershipDirectory;
  /** Only where LINE is simulated; never in production. */
  devIdTokenMinter?: DevIdTokenMinter;
  /** The submissions capability's `submitProof`; without it the submit page says to use the chat. */
  submitProof?: LiffProofSubmitter;
  /** The receipts capability's `ingestReceiptImage`; without it photo upload is unavailable. */
  ingestReceiptImage?: LiffReceiptIngester;
  /** Extra routers mounted behind LIFF auth under /api/liff (e.g. rewards). */
  memberRouters?: { path: string; router: Router }[];
  /** @default LIFF_DIST_DIR */
  staticDir?: string;
};

/** The LIFF mini-app: its JSON API under /api/liff (ID-token auth) and the built pages under /liff/. */
export function createLiffModule(services: Services, options: LiffModuleOptions = {}): AppModule {
  const { config, database, clock } = services;
  const verifier =
    options.verifier ??
    createCachedIdTokenVerifier({
      verifier: createHttpIdTokenVerifier({ apiBaseUrl: config.line.apiBaseUrl ?? 'https://api.line.me' }),
      clock,
    });
  const membershipDirectory =
    options.membershipDirectory ??
    createHttpMembershipDirectory({
      baseUrl: config.membership.apiBaseUrl ?? 'http://127.0.0.1:9',
      apiKey: config.membership.apiKey,
    });

  const json = Router();
  json.get('/api/liff/config', async (req, res) => {
    const requested = typeof req.query.liffId === 'string' ? req.query.liffId : undefined;
    const liffId = requested ?? (await getDefaultLiffId(database.db, config.line.liffId));
    const channel = liffId ? await getLiffChannel(database.db, liffId) : undefined;
    if (!liffId || !channel) throw createNotFoundError({ message: 'No LIFF app is configured' });
    res.json({
      liffId,
      brand: { name: channel.brand.name, defaultLocale: channel.brand.defaultLocale },
      devLogin: Boolean(options.devIdTokenMinter),
    });
  });

  const minter = options.devIdTokenMinter;
  if (minter) {
    json.post('/api/liff/dev/id-token', async (req, res) => {
      const { liffId, userId, name } = (req.body ?? {}) as {
        liffId?: string;
        userId?: string;
        name?: string;
      };
      const channel = liffId ? await getLiffChannel(database.db, liffId) : undefined;
      if (!channel || typeof userId !== 'string' || !/^U[0-9a-f]{32}$/.test(userId)) {
        throw createNotFoundError({ message: 'Unknown LIFF app or fake user id' });
      }
      res.json({ idToken: await minter({ clientId: channel.loginChannelId, userId, name }) });
    });
  }

  const member = Router();
  member.use(createLiffAuthMiddleware(services, { verifier }));
  member.use(createLiffMemberRouter(services, { membershipDirectory }));
  member.use(
    createLiffProofRouter({
      submitProof: options.submitProof,
      ingestReceiptImage: options.ingestReceiptImage,
      now: () => clock.now(),
    }),
  );
  for (const extra of options.memberRouters ?? []) member.use(extra.path, extra.router);
  json.use('/api/liff', member);

  const staticDir = options.staticDir ?? LIFF_DIST_DIR;
  json.use('/liff', express.static(staticDir, { index: 'index.html', maxAge: '1h', immutable: false }));
  json.get(/^\/liff(\/.*)?$/, (_req, res, next) => {
    // Client-side routes (/liff/submit …) load the app shell; assets were served above.
    const index = join(staticDir, 'index.html');
    if (!existsSync(index)) {
      next();
      return;
    }
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  return { json };
}
