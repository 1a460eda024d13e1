import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Database } from '../../core/db/database.js';
import {
  exportDraw,
  getPublicDrawOrThrow,
  getPublicDrawRecord,
  listMemberDraws,
} from '../../core/draws/index.js';
import {
  getPointsSummary,
  listCatalog,
  listMemberInstantPlays,
  listMemberRedemptions,
  playInstantWin,
  redeemReward,
  revealInstantPlay,
  type InstantPlayOutcome,
  type RandomInt,
  type RewardsNotifier,
} from '../../core/rewards/index.js';
import { recheckRecentPointsOfMember, type PlatformSource } from '../../core/payouts/index.js';
import type { Clock } from '../../core/shared/clock.js';
import type { Logger } from '../../core/shared/logger.js';
import { createValidationError, isAppError } from '../../core/shared/errors.js';
import type { IdGenerator } from '../../core/shared/ids.js';
import { negotiateLocale } from '../../core/i18n/index.js';
import {
  PUBLIC_DRAW_CONTENT_SECURITY_POLICY,
  renderPublicDrawNotFound,
  renderPublicDrawPage,
} from './public-draw.page.js';

/** The member a request acts for, from the caller's authentication (LIFF ID token); never from the body. */
export type ResolveMember = (
  req: Request,
) => { brandId: string; memberId: string } | Promise<{ brandId: string; memberId: string }>;

export type RewardsRouterDeps = {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  /** Pushes for redemptions and wins; without it nothing is queued. */
  notifier?: RewardsNotifier;
  /** Scratch-card randomness. @default the OS CSPRNG */
  random?: RandomInt;
  /**
   * The MoF platform (built on first use): with it, points from recent e-invoices are re-checked before a
   * redemption, and draw winners before they are told. Without it nothing is re-checked.
   */
  platform?: PlatformSource;
  logger?: Logger;
};

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

const redeemBodySchema = z.object({
  rewardId: z.string().min(1),
  /** Or the Idempotency-Key header. */
  idempotencyKey: z.string().min(8).max(100).optional(),
});

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success)
    throw createValidationError({
      details: {
        issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      },
    });
  return result.data;
}

function limitFrom(req: Request): number {
  const limit = Number(req.query.limit ?? 50);
  return Number.isInteger(limit) && limit > 0 && limit <= 200 ? limit : 50;
}

function presentPlay({ play, won, prize }: InstantPlayOutcome) {
  return {
    id: play.id,
    campaignId: play.campaignId,
    state: play.voidedAt ? 'voided' : play.revealedAt ? 'revealed' : play.playedAt ? 'played' : 'ready',
    won,
    prize,
    playedAt: play.playedAt,
    revealedAt: play.revealedAt,
  };
}

/**
 * The member's rewards API (LIFF app): catalog, redeem, redemption history, balance and ledger history,
 * scratch cards, draws with their published seed hash. Mount behind member authentication; the member is
 * whatever `resolveMember` says, so a client cannot act for someone else.
 */
export function createRewardsMemberRouter({
  db,
  generateId,
  clock,
  notifier,
  random,
  platform,
  logger,
  resolveMember,
}: RewardsRouterDeps & { resolveMember: ResolveMember }): Router {
  const router = Router();

  router.get('/catalog', async (req, res) => {
    const { brandId } = await resolveMember(req);
    const rewards = await listCatalog({ db, clock, brandId });
    res.json({
      rewards: rewards.map((reward) => ({
        id: reward.id,
        kind: reward.kind,
        name: reward.name,
        description: reward.description,
        imageUrl: reward.imageUrl,
        pointsPrice: reward.pointsPrice,
        stockLeft: reward.stockLeft,
        perMemberLimit: reward.perMemberLimit,
        validTo: reward.validTo,
      })),
    });
  });

  router.post('/redemptions', async (req, res) => {
    const member = await resolveMember(req);
    const body = parse(redeemBodySchema, req.body ?? {});
    const idempotencyKey = req.header(IDEMPOTENCY_KEY_HEADER) ?? body.idempotencyKey;
    if (!idempotencyKey || idempotencyKey.length < 8 || idempotencyKey.length > 100)
      throw createValidationError({ message: 'An Idempotency-Key (8 to 100 characters) is required' });
    // Points from e-invoices voided since they were accepted are taken back before any are spent.
    if (platform)
      await recheckRecentPointsOfMember(
        { db, generateId, clock, platform, ...(notifier ? { notifier } : {}), ...(logger ? { logger } : {}) },
        member,
      );
    const result = await redeemReward({
      db,
      generateId,
      clock,
      ...(notifier ? { notifier } : {}),
      ...member,
      rewardId: body.rewardId,
      idempotencyKey,
    });
    res.status(result.replayed ? 200 : 201).json({
      redemption: {
        id: result.redemption.id,
        rewardId: result.redemption.rewardId,
        state: result.redemption.state,
        points: result.redemption.points,
        couponCode: result.couponCode ?? null,
        createdAt: result.redemption.createdAt,
      },
      balance: result.balance,
      replayed: result.replayed,
    });
  });

  router.get('/redemptions', async (req, res) => {
    const member = await resolveMember(req);
    const redemptions = await listMemberRedemptions({ db, ...member, limit: limitFrom(req) });
    res.json({
      redemptions: redemptions.map((redemption) => ({
        id: redemption.id,
        rewardId: redemption.rewardId,
        rewardName: redemption.rewardName,
        rewardKind: redemption.rewardKind,
        state: redemption.state,
        points: redemption.points,
        couponCode: redemption.couponCode,
        createdAt: redemption.createdAt,
        fulfilledAt: redemption.fulfilledAt,
        cancelledAt: redemption.cancelledAt,
      })),
    });
  });

  router.get('/points', async (req, res) => {
    const member = await resolveMember(req);
    const summary = await getPointsSummary({ db, clock, ...member, historyLimit: limitFrom(req) });
    res.json({
      balance: summary.balance,
      nextExpiry: summary.nextExpiry ?? null,
      history: summary.history.map((row) => ({
        id: row.id,
        kind: row.kind,
        points: row.points,
        reason: row.reason,
        expiresAt: row.expiresAt,
        createdAt: row.createdAt,
      })),
    });
  });

  router.get('/instant-plays', async (req, res) => {
    const member = await resolveMember(req);
    const plays = await listMemberInstantPlays({ db, ...member, limit: limitFrom(req) });
    res.json({ plays: plays.map(presentPlay) });
  });

  router.post('/instant-plays/:playId/play', async (req, res) => {
    const member = await resolveMember(req);
    const outcome = await playInstantWin({
      db,
      clock,
      ...(random ? { random } : {}),
      ...(notifier ? { notifier } : {}),
      ...member,
      playId: String(req.params.playId),
    });
    res.json({ play: presentPlay(outcome) });
  });

  router.post('/instant-plays/:playId/reveal', async (req, res) => {
    const member = await resolveMember(req);
    const outcome = await revealInstantPlay({ db, clock, ...member, playId: String(req.params.playId) });
    res.json({ play: presentPlay(outcome) });
  });

  router.get('/draws', async (req, res) => {
    const member = await resolveMember(req);
    const campaignId = typeof req.query.campaignId === 'string' ? req.query.campaignId : undefined;
    const draws = await listMemberDraws({ db, ...member, ...(campaignId ? { campaignId } : {}) });
    res.json({
      draws: draws.map((draw) => ({
        id: draw.id,
        campaignId: draw.campaignId,
        name: draw.name,
        periodFrom: draw.periodFrom,
        periodTo: draw.periodTo,
        prizes: draw.prizes,
        status: draw.status,
        seedHash: draw.seedHash,
        seed: draw.seed,
        entriesDigest: draw.entriesDigest,
        algorithmVersion: draw.algorithmVersion,
        drawnAt: draw.drawnAt,
        myPseudonym: draw.myPseudonym,
        myEntries: draw.myEntries,
        myWins: draw.myWins,
      })),
    });
  });

  return router;
}

/**
 * Anyone may check a draw: its published seed hash before, and the full export after it ran (the
 * record `proofline draw verify` reads), as JSON and as a page in the visitor's language (`/draws/:id`).
 * Nothing personal is in any of them.
 */
export function createPublicDrawsRouter({ db }: { db: Database }): Router {
  const router = Router();
  router.get('/api/public/draws/:drawId', async (req, res) => {
    const draw = await getPublicDrawOrThrow(db, String(req.params.drawId));
    res.json({ draw });
  });
  router.get('/api/public/draws/:drawId/export', async (req, res) => {
    const draw = await getPublicDrawOrThrow(db, String(req.params.drawId));
    res.json(await exportDraw({ db, brandId: draw.brandId, drawId: draw.id }));
  });
  // The page a winner or a journalist opens from the link the console gives: HTML, no script, no session.
  router.get('/draws/:drawId', async (req, res) => {
    res.set({
      'content-security-policy': PUBLIC_DRAW_CONTENT_SECURITY_POLICY,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
      vary: 'accept-language',
    });
    const language = { lang: req.query.lang, acceptLanguage: req.header('accept-language') };
    try {
      const record = await getPublicDrawRecord(db, String(req.params.drawId));
      const locale = negotiateLocale(language, record.brand.defaultLocale);
      res
        .type('html')
        .send(renderPublicDrawPage(record, { locale, origin: `${req.protocol}://${req.get('host')}` }));
    } catch (error) {
      if (!isAppError(error) || error.statusCode !== 404) throw error;
      res
        .status(404)
        .type('html')
        .send(renderPublicDrawNotFound(negotiateLocale(language, 'en')));
    }
  });
  return router;
}
