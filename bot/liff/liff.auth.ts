import type { Request, RequestHandler, Response } from 'express';
import type { Services } from '../../core/app/build-services.js';
import { isLocale, type Locale } from '../../core/i18n/index.js';
import { createIdTokenInvalidError, type IdTokenVerifier } from '../../core/members/members.id-token.js';
import { getLiffChannel, type LiffChannel } from '../../core/members/members.liff.js';
import { ensureMemberForLineUser } from '../../core/members/members.registration.js';
import type { Member } from '../../core/members/index.js';

/** The LIFF app sends its LIFF id, so the server knows which brand (and which login channel) it is. */
export const LIFF_ID_HEADER = 'x-liff-id';

export type LiffContext = LiffChannel & { member: Member; lineUserId: string };

/** The authenticated LIFF caller, set by `createLiffAuthMiddleware`. */
export function getLiffContext(res: Response): LiffContext {
  const context = res.locals.liff as LiffContext | undefined;
  // Routes are only mounted behind the middleware; reaching here without it is a wiring bug.
  if (!context) throw new Error('LIFF route mounted without the LIFF auth middleware');
  return context;
}

/** The member a rewards router acts for: always the one LINE vouched for, never one named by the client. */
export function resolveLiffMember(req: Request): { brandId: string; memberId: string; locale: Locale } {
  const context = (req.res?.locals.liff ?? undefined) as LiffContext | undefined;
  if (!context) throw createIdTokenInvalidError();
  return { brandId: context.brand.id, memberId: context.member.id, locale: context.member.locale };
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/**
 * Authenticates a LIFF API call: `Authorization: Bearer <ID token>` from `liff.getIDToken()`, checked by
 * LINE's verify endpoint against the login channel of the LIFF app named by `X-Liff-Id`. The member is
 * the token's `sub`; any user id in the request itself is ignored. A token issued for another channel
 * (another brand) fails verification, so brands cannot reach each other's members.
 */
export function createLiffAuthMiddleware(
  { database, clock, generateId }: Pick<Services, 'database' | 'clock' | 'generateId'>,
  { verifier }: { verifier: IdTokenVerifier },
): RequestHandler {
  return async (req, res, next) => {
    try {
      const idToken = bearerToken(req);
      const liffId = req.header(LIFF_ID_HEADER);
      if (!idToken || !liffId) throw createIdTokenInvalidError({ details: { reason: 'missing' } });
      const channel = await getLiffChannel(database.db, liffId);
      if (!channel) throw createIdTokenInvalidError({ details: { reason: 'unknown LIFF app' } });
      const verified = await verifier.verify({ idToken, clientId: channel.loginChannelId });
      const requested = req.header('accept-language')?.split(',')[0]?.trim();
      const locale: Locale = isLocale(requested) ? requested : channel.brand.defaultLocale;
      const member = await ensureMemberForLineUser(database.db, {
        generateId,
        brandId: channel.brand.id,
        channelId: channel.channel.id,
        lineUserId: verified.sub,
        displayName: verified.name,
        pictureUrl: verified.picture,
        locale,
        now: clock.now(),
      });
      res.locals.liff = { ...channel, member, lineUserId: verified.sub } satisfies LiffContext;
      next();
    } catch (error) {
      next(error);
    }
  };
}
