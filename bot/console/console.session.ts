import type { Request } from 'express';
import {
  resolveConsoleSession,
  type ConsoleDeps,
  type ConsoleMembership,
  type ConsoleSignedIn,
} from '../../core/console/index.js';
import { getBrandByRefOrThrow } from '../../core/brands/index.js';
import type { Executor } from '../../core/db/database.js';
import { createForbiddenError } from '../../core/shared/errors.js';
import { BRAND_HEADER } from '../review/index.js';

export const CONSOLE_SESSION_COOKIE = 'proofline_console';
/** The cookie is sent only to the console APIs, never to the webhook, LIFF or public pages. */
export const CONSOLE_COOKIE_PATH = '/api/console';

/** The value of one cookie from the Cookie header (no dependency needed for one name). */
export function readCookie(req: Pick<Request, 'headers'>, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    const raw = part
      .slice(index + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function readConsoleSessionToken(req: Pick<Request, 'headers'>): string | undefined {
  return readCookie(req, CONSOLE_SESSION_COOKIE) || undefined;
}

/** The session of this request's cookie, or undefined (no cookie, unknown, expired, disabled user). */
export async function getConsoleSession(
  deps: Pick<ConsoleDeps, 'db' | 'clock'>,
  req: Request,
): Promise<ConsoleSignedIn | undefined> {
  const token = readConsoleSessionToken(req);
  return token ? resolveConsoleSession(deps, { token }) : undefined;
}

/**
 * `chooseMembership`, but a brand that does not exist at all is a 404 naming it (a typo in a slug is
 * told as such, not as a missing permission).
 */
export async function chooseMembershipOrThrow(
  db: Executor,
  memberships: ConsoleMembership[],
  requested: string | undefined,
): Promise<ConsoleMembership> {
  if (requested && !memberships.some((m) => m.brandId === requested || m.brandSlug === requested))
    await getBrandByRefOrThrow(db, requested);
  return chooseMembership(memberships, requested);
}

/**
 * The brand a console request acts on: the one `requested` names (id or slug) when the user belongs to
 * it, or the user's only brand. Anything else is a 403 that says what to do.
 */
export function chooseMembership(
  memberships: ConsoleMembership[],
  requested: string | undefined,
): ConsoleMembership {
  if (requested) {
    const membership = memberships.find((m) => m.brandId === requested || m.brandSlug === requested);
    if (!membership)
      throw createForbiddenError({
        message: `You are not a member of brand "${requested}"`,
        details: { brand: requested },
      });
    return membership;
  }
  if (memberships.length === 1) return memberships[0] as ConsoleMembership;
  throw createForbiddenError({
    message:
      memberships.length === 0
        ? 'Your console account has no brand yet; ask a brand owner to add you'
        : `You work for several brands: choose one with the ${BRAND_HEADER} header`,
    details: { brands: memberships.map((m) => m.brandSlug) },
  });
}
