import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Database } from '../../core/db/database.js';
import {
  createDraw,
  exportDraw,
  forfeitWinner,
  getDrawOrThrow,
  getPublicDrawOrThrow,
  listMemberDraws,
  listWinners,
  promoteReserveWinners,
  runDraw,
  toPublicDraw,
} from '../../core/draws/index.js';
import {
  addCouponCodes,
  adjustPoints,
  cancelRedemption,
  createInstantPrize,
  createReward,
  fulfillRedemption,
  generateCouponCodeValues,
  getPointsSummary,
  listCatalog,
  listMemberInstantPlays,
  listMemberRedemptions,
  parseCouponCodeList,
  playInstantWin,
  redeemReward,
  revealInstantPlay,
  type InstantPlayOutcome,
  type RandomInt,
  type RewardsNotifier,
} from '../../core/rewards/index.js';
import type { Clock } from '../../core/shared/clock.js';
import { createValidationError } from '../../core/shared/errors.js';
import type { IdGenerator } from '../../core/shared/ids.js';

/** The member a request acts for, from the caller's authentication (LIFF ID token); never from the body. */
export type ResolveMember = (
  req: Request,
) => { brandId: string; memberId: string } | Promise<{ brandId: string; memberId: string }>;

/** The console user acting, and the brand they act on (console session auth). */
export type ResolveActor = (
  req: Request,
) => { brandId: string; actor: string } | Promise<{ brandId: string; actor: string }>;

export type RewardsRouterDeps = {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  /** Pushes for redemptions and wins; without it nothing is queued. */
  notifier?: RewardsNotifier;
  /** Scratch-card randomness. @default the OS CSPRNG */
  random?: RandomInt;
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
 * record `proofline draw verify` reads). Nothing personal is in either.
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
  return router;
}

const newRewardSchema = z.object({
  campaignId: z.string().nullish(),
  kind: z.enum(['item', 'coupon']),
  name: z.record(z.string(), z.string()),
  description: z.record(z.string(), z.string()).nullish(),
  imageUrl: z.string().url().nullish(),
  pointsPrice: z.number().int().positive(),
  stock: z.number().int().nonnegative().optional(),
  perMemberLimit: z.number().int().positive().nullish(),
  validFrom: z.coerce.date().nullish(),
  validTo: z.coerce.date().nullish(),
});

const couponCodesSchema = z.union([
  z.object({ list: z.string().min(1).max(5_000_000) }),
  z.object({ generate: z.number().int().positive().max(100_000), prefix: z.string().max(10).optional() }),
]);

const adjustSchema = z.object({
  memberId: z.string().min(1),
  points: z.number().int(),
  reason: z.string().min(1).max(500),
  idempotencyKey: z.string().min(1).max(100).optional(),
});

const closeRedemptionSchema = z.object({ reason: z.string().min(1).max(500).optional() });

const instantPrizeSchema = z.object({
  campaignId: z.string().min(1),
  name: z.record(z.string(), z.string()),
  oddsPpm: z.number().int().positive().max(1_000_000),
  stock: z.number().int().nonnegative(),
  schedule: z.record(z.string(), z.unknown()).nullish(),
});

const newDrawSchema = z.object({
  campaignId: z.string().min(1),
  name: z.record(z.string(), z.string()),
  periodFrom: z.coerce.date(),
  periodTo: z.coerce.date(),
  prizes: z
    .array(
      z.object({
        key: z.string().min(1).max(40),
        name: z.record(z.string(), z.string()),
        quantity: z.number().int().positive(),
        valueMinor: z.number().int().nonnegative().optional(),
      }),
    )
    .min(1),
  maxWinsPerMember: z.number().int().positive().default(1),
  reserveCount: z.number().int().nonnegative().default(0),
});

/**
 * The console's rewards API: catalog and coupon codes, instant-win prizes, points adjustments, fulfilling
 * and cancelling redemptions, opening, running and exporting draws. Mount behind console authentication;
 * `resolveActor` names the brand and the user, who is recorded on every change.
 */
export function createRewardsAdminRouter({
  db,
  generateId,
  clock,
  notifier,
  resolveActor,
}: RewardsRouterDeps & { resolveActor: ResolveActor }): Router {
  const router = Router();

  router.post('/rewards', async (req, res) => {
    const { brandId } = await resolveActor(req);
    const body = parse(newRewardSchema, req.body ?? {});
    const reward = await createReward({ db, generateId, reward: { ...body, brandId } });
    res.status(201).json({ reward });
  });

  router.post('/rewards/:rewardId/coupon-codes', async (req, res) => {
    const { brandId } = await resolveActor(req);
    const body = parse(couponCodesSchema, req.body ?? {});
    let codes: string[];
    let invalid: string[] = [];
    if ('list' in body) ({ codes, invalid } = parseCouponCodeList(body.list));
    else
      codes = generateCouponCodeValues({
        count: body.generate,
        ...(body.prefix ? { prefix: body.prefix } : {}),
      });
    const result = await addCouponCodes({
      db,
      generateId,
      brandId,
      rewardId: String(req.params.rewardId),
      codes,
    });
    res.status(201).json({ ...result, invalid });
  });

  router.post('/points/adjustments', async (req, res) => {
    const { brandId, actor } = await resolveActor(req);
    const body = parse(adjustSchema, req.body ?? {});
    const result = await adjustPoints({ db, generateId, clock, brandId, actor, ...body });
    res.status(result.created ? 201 : 200).json({ entry: result.entry, balance: result.balance });
  });

  router.get('/members/:memberId/points', async (req, res) => {
    const { brandId } = await resolveActor(req);
    res.json(await getPointsSummary({ db, clock, brandId, memberId: String(req.params.memberId) }));
  });

  router.post('/redemptions/:redemptionId/fulfil', async (req, res) => {
    const { brandId, actor } = await resolveActor(req);
    const redemption = await fulfillRedemption({
      db,
      clock,
      brandId,
      redemptionId: String(req.params.redemptionId),
      actor,
    });
    res.json({ redemption });
  });

  router.post('/redemptions/:redemptionId/cancel', async (req, res) => {
    const { brandId, actor } = await resolveActor(req);
    const body = parse(closeRedemptionSchema, req.body ?? {});
    const result = await cancelRedemption({
      db,
      generateId,
      clock,
      brandId,
      redemptionId: String(req.params.redemptionId),
      actor,
      reason: body.reason ?? 'cancelled by the brand',
    });
    res.json(result);
  });

  router.post('/instant-prizes', async (req, res) => {
    const { brandId } = await resolveActor(req);
    const body = parse(instantPrizeSchema, req.body ?? {});
    const prize = await createInstantPrize({
      db,
      generateId,
      brandId,
      campaignId: body.campaignId,
      name: body.name,
      oddsPpm: body.oddsPpm,
      stock: body.stock,
      schedule: (body.schedule as never) ?? null,
    });
    res.status(201).json({ prize });
  });

  router.post('/draws', async (req, res) => {
    const { brandId } = await resolveActor(req);
    const body = parse(newDrawSchema, req.body ?? {});
    const draw = await createDraw({ db, generateId, brandId, ...body });
    res.status(201).json({ draw });
  });

  router.post('/draws/:drawId/run', async (req, res) => {
    const { brandId } = await resolveActor(req);
    const result = await runDraw({
      db,
      generateId,
      clock,
      ...(notifier ? { notifier } : {}),
      brandId,
      drawId: String(req.params.drawId),
    });
    res.json(result);
  });

  router.post('/draws/:drawId/winners/:winnerId/forfeit', async (req, res) => {
    const { brandId } = await resolveActor(req);
    res.json({ winner: await forfeitWinner({ db, brandId, winnerId: String(req.params.winnerId) }) });
  });

  router.post('/draws/:drawId/promote-reserves', async (req, res) => {
    const { brandId } = await resolveActor(req);
    res.json(
      await promoteReserveWinners({
        db,
        clock,
        ...(notifier ? { notifier } : {}),
        brandId,
        drawId: String(req.params.drawId),
      }),
    );
  });

  router.get('/draws/:drawId/winners', async (req, res) => {
    const { brandId } = await resolveActor(req);
    const draw = await getDrawOrThrow(db, { brandId, drawId: String(req.params.drawId) });
    res.json({ draw: toPublicDraw(draw), winners: await listWinners(db, draw.id) });
  });

  router.get('/draws/:drawId/export', async (req, res) => {
    const { brandId } = await resolveActor(req);
    res.json(await exportDraw({ db, brandId, drawId: String(req.params.drawId) }));
  });

  return router;
}
