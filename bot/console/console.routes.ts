import { Router, type CookieOptions, type Response } from 'express';
import { z } from 'zod';
import {
  permissionsOf,
  signInConsoleUser,
  signOutConsoleSession,
  type ConsoleDeps,
  type ConsoleSignedIn,
} from '../../core/console/index.js';
import { currencyOfCountry } from '../../core/brands/index.js';
import { createUnauthorizedError } from '../../core/shared/errors.js';
import { requireJsonForMutations } from '../middlewares/csrf.js';
import {
  CONSOLE_COOKIE_PATH,
  CONSOLE_SESSION_COOKIE,
  getConsoleSession,
  readConsoleSessionToken,
} from './console.session.js';

const signInBodySchema = z
  .object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024) })
  .strict();

/**
 * Console sign-in: `POST /api/console/session` (email + password → HttpOnly cookie), `GET
 * /api/console/me`, `DELETE /api/console/session`. Every mutating /api/console request must be JSON
 * (the CSRF guard), on top of the SameSite=Strict cookie.
 */
export function createConsoleRouter({
  deps,
  sessionHours,
  secureCookie,
}: {
  deps: ConsoleDeps;
  /** Lifetime of a session (CONSOLE_SESSION_HOURS). */
  sessionHours: number;
  /** Secure cookie attribute; off only in local mode, which serves plain http://localhost. */
  secureCookie: boolean;
}): Router {
  const router = Router();
  const cookieOptions = consoleCookieOptions({ secure: secureCookie });

  router.use(CONSOLE_COOKIE_PATH, requireJsonForMutations);

  router.post(`${CONSOLE_COOKIE_PATH}/session`, async (req, res) => {
    const body = signInBodySchema.parse(req.body ?? {});
    const signedIn = await signInConsoleUser(deps, { ...body, sessionHours, ip: req.ip });
    setConsoleSessionCookie(res, signedIn, { secure: secureCookie, now: deps.clock.now() });
    sendSignedIn(res.status(201), signedIn);
  });

  router.get(`${CONSOLE_COOKIE_PATH}/me`, async (req, res) => {
    const signedIn = await getConsoleSession(deps, req);
    if (!signedIn) throw createUnauthorizedError({ message: 'Not signed in to the console' });
    sendSignedIn(res, signedIn);
  });

  router.delete(`${CONSOLE_COOKIE_PATH}/session`, async (req, res) => {
    const token = readConsoleSessionToken(req);
    if (token) await signOutConsoleSession(deps, { token });
    res.clearCookie(CONSOLE_SESSION_COOKIE, cookieOptions);
    res.status(204).end();
  });

  return router;
}

/** The session cookie's attributes: HttpOnly, SameSite=Strict, sent to the console APIs only. */
export function consoleCookieOptions({ secure }: { secure: boolean }): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', path: CONSOLE_COOKIE_PATH, secure };
}

/** Sets the cookie of a new session (a sign-in, an accepted invitation). */
export function setConsoleSessionCookie(
  res: Response,
  signedIn: { token: string; session: { expiresAt: Date } },
  { secure, now }: { secure: boolean; now: Date },
) {
  res.cookie(CONSOLE_SESSION_COOKIE, signedIn.token, {
    ...consoleCookieOptions({ secure }),
    // A lifetime, not a date: a browser whose clock is off by hours still keeps the cookie as long as
    // the server keeps the session (the server's expiry decides anyway).
    maxAge: Math.max(0, signedIn.session.expiresAt.getTime() - now.getTime()),
  });
}

/** The signed-in user as `/me` and the sign-in answer describe them. */
export function sendSignedIn(res: Response, { user, memberships, session }: ConsoleSignedIn) {
  res.setHeader('Cache-Control', 'no-store');
  res.json({
    user: { id: user.id, email: user.email, name: user.name },
    brands: memberships.map((m) => ({
      id: m.brandId,
      slug: m.brandSlug,
      name: m.brandName,
      country: m.brandCountry,
      timezone: m.brandTimezone,
      currency: currencyOfCountry(m.brandCountry),
      defaultLocale: m.brandDefaultLocale,
      role: m.role,
      // What the console app may show; the server checks every route anyway.
      permissions: permissionsOf(m.role),
    })),
    expiresAt: session.expiresAt.toISOString(),
  });
}
