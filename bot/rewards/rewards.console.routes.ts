import { Router, type Request } from 'express';
import { z } from 'zod';
import { getCampaignByRefOrThrow, listCampaignRefs } from '../../core/campaigns/index.js';
import {
  createDraw,
  createDrawNotFoundError,
  exportDraw,
  forfeitWinner,
  getConsoleDrawOrThrow,
  listConsoleDraws,
  promoteReserveWinners,
  runDraw,
} from '../../core/draws/index.js';
import { getMemberByRefOrThrow } from '../../core/members/index.js';
import {
  addCouponCodes,
  adjustPoints,
  cancelRedemption,
  createInstantPrize,
  createReward,
  fulfillRedemption,
  generateCouponCodeValues,
  getConsoleRewardOrThrow,
  getPointsSummary,
  instantPrizeScheduleSchema,
  listConsoleInstantPrizes,
  listConsoleRedemptions,
  listConsoleRewards,
  parseCouponCodeList,
  updateInstantPrize,
  updateReward,
} from '../../core/rewards/index.js';
import type { BlobStore } from '../../core/blobs/index.js';
import { consoleActorOf, type ConsoleGuard } from '../console/console.guard.js';
import { assertRewardImageUrl } from './reward-images.routes.js';
import type { RewardsRouterDeps } from './rewards.routes.js';
import { settleDrawWinners } from '../../core/payouts/index.js';

const BASE = '/api/console';

const localizedTextSchema = z
  .partialRecord(z.enum(['zh-TW', 'th', 'en']), z.string().trim().max(200))
  .refine((text) => Object.values(text).some((value) => value && value.length > 0), {
    message: 'Give a name in at least one language',
  });
const optionalLocalizedText = z.partialRecord(z.enum(['zh-TW', 'th', 'en']), z.string().trim().max(2000));
const nullableDate = z.coerce.date().nullish();
/** An http(s) address, or the path of a picture uploaded through POST /api/console/reward-images. */
const imageUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (value) => (/^https?:\/\//i.test(value) ? URL.canParse(value) : value.startsWith('/reward-images/')),
    {
      message: 'Give an http(s) address or upload an image',
    },
  );

const newRewardSchema = z
  .object({
    /** A campaign id or slug; none: the reward belongs to the brand's catalog. */
    campaign: z.string().trim().min(1).nullish(),
    kind: z.enum(['item', 'coupon']),
    name: localizedTextSchema,
    description: optionalLocalizedText.nullish(),
    imageUrl: imageUrlSchema.nullish(),
    pointsPrice: z.number().int().positive().max(10_000_000),
    stock: z.number().int().nonnegative().max(10_000_000).optional(),
    perMemberLimit: z.number().int().positive().max(1000).nullish(),
    validFrom: nullableDate,
    validTo: nullableDate,
    lowStockAt: z.number().int().nonnegative().max(10_000_000).nullish(),
  })
  .strict();

const rewardPatchSchema = z
  .object({
    name: localizedTextSchema.optional(),
    description: optionalLocalizedText.nullish(),
    imageUrl: imageUrlSchema.nullish(),
    pointsPrice: z.number().int().positive().max(10_000_000).optional(),
    stockTotal: z.number().int().nonnegative().max(10_000_000).optional(),
    perMemberLimit: z.number().int().positive().max(1000).nullish(),
    validFrom: nullableDate,
    validTo: nullableDate,
    active: z.boolean().optional(),
    lowStockAt: z.number().int().nonnegative().max(10_000_000).nullish(),
  })
  .strict();

const couponCodesSchema = z.union([
  /** One code per line, or a CSV whose first column is the code (the console reads the file and sends its text). */
  z.object({ list: z.string().min(1).max(900_000) }).strict(),
  z
    .object({ generate: z.number().int().positive().max(100_000), prefix: z.string().max(10).optional() })
    .strict(),
]);

const adjustSchema = z
  .object({
    /** Member id, LINE user id or member number. */
    member: z.string().trim().min(1),
    points: z
      .number()
      .int()
      .refine((points) => points !== 0, 'An adjustment of 0 changes nothing'),
    reason: z.string().trim().min(3).max(500),
    /** Makes a retried submit count once. */
    idempotencyKey: z.string().min(8).max(100).optional(),
  })
  .strict();

const cancelSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

const newInstantPrizeSchema = z
  .object({
    campaign: z.string().trim().min(1),
    name: localizedTextSchema,
    oddsPpm: z.number().int().positive().max(1_000_000),
    stock: z.number().int().nonnegative().max(10_000_000),
    schedule: instantPrizeScheduleSchema.nullish(),
  })
  .strict();

const instantPrizePatchSchema = z
  .object({
    name: localizedTextSchema.optional(),
    oddsPpm: z.number().int().positive().max(1_000_000).optional(),
    stockTotal: z.number().int().nonnegative().max(10_000_000).optional(),
    schedule: instantPrizeScheduleSchema.nullish(),
  })
  .strict();

const newDrawSchema = z
  .object({
    campaign: z.string().trim().min(1),
    name: localizedTextSchema,
    periodFrom: z.coerce.date(),
    periodTo: z.coerce.date(),
    prizes: z
      .array(
        z
          .object({
            key: z
              .string()
              .trim()
              .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/i, 'Letters, digits, - and _ (up to 40)'),
            name: localizedTextSchema,
            quantity: z.number().int().positive().max(10_000),
            valueMinor: z.number().int().nonnegative().optional(),
          })
          .strict(),
      )
      .min(1, 'Add at least one prize'),
    maxWinsPerMember: z.number().int().positive().max(100).default(1),
    reserveCount: z.number().int().nonnegative().max(1000).default(0),
    /** Winners on receipt or paper-invoice photos go to the review queue before they are told. */
    requireReviewedProofs: z.boolean().default(false),
  })
  .strict()
  .refine((draw) => draw.periodFrom < draw.periodTo, {
    path: ['periodTo'],
    message: 'The period must end after it starts',
  });

const listQuerySchema = z.object({
  campaign: z.string().trim().min(1).optional(),
  state: z.enum(['reserved', 'fulfilled', 'cancelled']).optional(),
  reward: z.string().trim().min(1).optional(),
  before: z.string().trim().min(1).optional(),
  limit: z.coerce.number().int().positive().max(200).default(50),
});

/** A CSV exported from a spreadsheet often starts with a column title; it is not a code. */
const CSV_HEADER = /^\s*"?(coupon[ _-]?)?codes?"?\s*(,.*)?$|^\s*"?(序號|優惠碼|รหัส)"?\s*(,.*)?$/i;

function withoutHeaderLine(text: string): string {
  const [first, ...rest] = text.split(/\r?\n/);
  return first !== undefined && CSV_HEADER.test(first) ? rest.join('\n') : text;
}

function param(req: Request, name: string): string {
  return String(req.params[name]);
}

/** Where anyone can check a draw: its seed hash before, the whole record after it ran. */
export function publicDrawLinks(drawId: string) {
  return {
    page: `/draws/${drawId}`,
    verify: `/api/public/draws/${drawId}`,
    export: `/api/public/draws/${drawId}/export`,
  };
}

/**
 * The console's rewards and draws API under /api/console, every route behind the console guard: reading
 * needs `rewards.read` / `draws.read`, changing needs `rewards.write` / `draws.run`. The brand is the
 * guard's (the `x-proofline-brand` header, id or slug); the signed-in user is recorded as the actor.
 * Campaigns and members may be named by id or slug (member: id, LINE user id or member number); an unknown
 * one is a 404 naming it.
 */
export function createRewardsConsoleRouter({
  db,
  generateId,
  clock,
  notifier,
  platform,
  logger,
  guard,
  blobStore,
}: Omit<RewardsRouterDeps, 'random'> & {
  guard: ConsoleGuard;
  /** Where uploaded reward pictures are; without it a reward takes only http(s) image addresses. */
  blobStore?: BlobStore;
}): Router {
  const router = Router();
  const checkImageUrl = (brandId: string, imageUrl: string | null | undefined) =>
    assertRewardImageUrl({ blobStore, brandId }, imageUrl);
  // With the platform, winners are told only after the proof behind each win is re-checked (settle).
  const drawNotifier = notifier && !platform ? { notifier } : {};
  const settle = async (brandId: string, drawId: string) => {
    if (!platform) return null;
    return settleDrawWinners(
      { db, generateId, clock, platform, ...(notifier ? { notifier } : {}), ...(logger ? { logger } : {}) },
      { brandId, drawId },
    );
  };
  const campaignIdOf = async (brandId: string, ref: string | null | undefined) =>
    ref ? (await getCampaignByRefOrThrow(db, { brandId, ref })).id : undefined;

  router.get(`${BASE}/rewards/campaigns`, guard.require('rewards.read'), async (_req, res) => {
    const { brandId } = consoleActorOf(res);
    res.json({ campaigns: await listCampaignRefs(db, { brandId }) });
  });

  router.get(`${BASE}/rewards`, guard.require('rewards.read'), async (_req, res) => {
    const { brandId } = consoleActorOf(res);
    res.json({ rewards: await listConsoleRewards({ db, brandId }) });
  });

  router.post(`${BASE}/rewards`, guard.require('rewards.write'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const { campaign, lowStockAt, ...body } = newRewardSchema.parse(req.body ?? {});
    await checkImageUrl(brandId, body.imageUrl);
    const campaignId = await campaignIdOf(brandId, campaign);
    const reward = await createReward({
      db,
      generateId,
      reward: { ...body, brandId, campaignId, ...(lowStockAt !== undefined ? { lowStockAt } : {}) },
      audit: { actor: { brandId, userId, email }, clock, generateId },
    });
    res.status(201).json({ reward: await getConsoleRewardOrThrow({ db, brandId, rewardId: reward.id }) });
  });

  router.get(`${BASE}/rewards/:rewardId`, guard.require('rewards.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    res.json({ reward: await getConsoleRewardOrThrow({ db, brandId, rewardId: param(req, 'rewardId') }) });
  });

  router.patch(`${BASE}/rewards/:rewardId`, guard.require('rewards.write'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const patch = rewardPatchSchema.parse(req.body ?? {});
    await checkImageUrl(brandId, patch.imageUrl);
    const rewardId = param(req, 'rewardId');
    await updateReward({
      db,
      brandId,
      rewardId,
      patch,
      audit: { actor: { brandId, userId, email }, clock, generateId },
    });
    res.json({ reward: await getConsoleRewardOrThrow({ db, brandId, rewardId }) });
  });

  router.post(`${BASE}/rewards/:rewardId/coupon-codes`, guard.require('rewards.write'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const body = couponCodesSchema.parse(req.body ?? {});
    let codes: string[];
    let invalid: string[] = [];
    if ('list' in body) ({ codes, invalid } = parseCouponCodeList(withoutHeaderLine(body.list)));
    else
      codes = generateCouponCodeValues({
        count: body.generate,
        ...(body.prefix ? { prefix: body.prefix } : {}),
      });
    const rewardId = param(req, 'rewardId');
    const result = await addCouponCodes({
      db,
      generateId,
      brandId,
      rewardId,
      codes,
      audit: { actor: { brandId, userId, email }, clock, generateId },
    });
    const reward = await getConsoleRewardOrThrow({ db, brandId, rewardId });
    res.status(201).json({
      ...result,
      // The first few bad lines, so the marketer can fix the file; the count says how many in all.
      invalid: invalid.slice(0, 20),
      invalidCount: invalid.length,
      couponCodesLeft: reward.couponCodesLeft,
      lowStock: reward.lowStock,
    });
  });

  router.get(`${BASE}/redemptions`, guard.require('rewards.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const query = listQuerySchema.parse(req.query);
    const redemptions = await listConsoleRedemptions({
      db,
      brandId,
      limit: query.limit,
      ...(query.state ? { state: query.state } : {}),
      ...(query.reward ? { rewardId: query.reward } : {}),
      ...(query.before ? { before: query.before } : {}),
    });
    res.json({
      redemptions,
      next: redemptions.length === query.limit ? redemptions[redemptions.length - 1]?.id : null,
    });
  });

  router.post(
    `${BASE}/redemptions/:redemptionId/fulfil`,
    guard.require('rewards.write'),
    async (req, res) => {
      const { brandId, userId, email } = consoleActorOf(res);
      const redemption = await fulfillRedemption({
        db,
        clock,
        brandId,
        redemptionId: param(req, 'redemptionId'),
        actor: userId,
        audit: { actor: { brandId, userId, email }, clock, generateId },
      });
      res.json({ redemption });
    },
  );

  router.post(
    `${BASE}/redemptions/:redemptionId/cancel`,
    guard.require('rewards.write'),
    async (req, res) => {
      const { brandId, userId, email } = consoleActorOf(res);
      const body = cancelSchema.parse(req.body ?? {});
      const result = await cancelRedemption({
        db,
        generateId,
        clock,
        brandId,
        redemptionId: param(req, 'redemptionId'),
        actor: userId,
        reason: body.reason ?? 'cancelled by the brand',
        audit: { actor: { brandId, userId, email }, clock, generateId },
      });
      res.json(result);
    },
  );

  router.post(`${BASE}/points/adjustments`, guard.require('rewards.write'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const { member: memberRef, ...body } = adjustSchema.parse(req.body ?? {});
    const member = await getMemberByRefOrThrow(db, { brandId, ref: memberRef });
    const result = await adjustPoints({
      db,
      generateId,
      clock,
      brandId,
      actor: userId,
      memberId: member.id,
      ...body,
      auditActor: { brandId, userId, email },
    });
    res.status(result.created ? 201 : 200).json({ entry: result.entry, balance: result.balance });
  });

  router.get(`${BASE}/points/:member`, guard.require('rewards.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const member = await getMemberByRefOrThrow(db, { brandId, ref: param(req, 'member') });
    const summary = await getPointsSummary({ db, clock, brandId, memberId: member.id, historyLimit: 50 });
    res.json({
      member: { id: member.id, name: member.name ?? member.displayName, lineUserId: member.lineUserId },
      ...summary,
    });
  });

  router.get(`${BASE}/instant-prizes`, guard.require('rewards.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const query = listQuerySchema.parse(req.query);
    const campaignId = await campaignIdOf(brandId, query.campaign);
    res.json({
      prizes: await listConsoleInstantPrizes({ db, brandId, ...(campaignId ? { campaignId } : {}) }),
    });
  });

  router.post(`${BASE}/instant-prizes`, guard.require('rewards.write'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const body = newInstantPrizeSchema.parse(req.body ?? {});
    const campaignId = (await campaignIdOf(brandId, body.campaign)) as string;
    const prize = await createInstantPrize({
      db,
      generateId,
      brandId,
      campaignId,
      name: body.name,
      oddsPpm: body.oddsPpm,
      stock: body.stock,
      schedule: body.schedule ?? null,
      audit: { actor: { brandId, userId, email }, clock, generateId },
    });
    res.status(201).json({ prize });
  });

  router.patch(`${BASE}/instant-prizes/:prizeId`, guard.require('rewards.write'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const patch = instantPrizePatchSchema.parse(req.body ?? {});
    res.json({
      prize: await updateInstantPrize({
        db,
        brandId,
        prizeId: param(req, 'prizeId'),
        patch,
        audit: { actor: { brandId, userId, email }, clock, generateId },
      }),
    });
  });

  router.get(`${BASE}/draws`, guard.require('draws.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const query = listQuerySchema.parse(req.query);
    const campaignId = await campaignIdOf(brandId, query.campaign);
    const draws = await listConsoleDraws({ db, brandId, ...(campaignId ? { campaignId } : {}) });
    res.json({ draws: draws.map((draw) => ({ ...draw, links: publicDrawLinks(draw.id) })) });
  });

  router.post(`${BASE}/draws`, guard.require('draws.run'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const { campaign, ...body } = newDrawSchema.parse(req.body ?? {});
    const campaignId = (await campaignIdOf(brandId, campaign)) as string;
    const draw = await createDraw({
      db,
      generateId,
      brandId,
      campaignId,
      ...body,
      audit: { actor: { brandId, userId, email }, clock },
    });
    res.status(201).json({ draw: { ...draw, links: publicDrawLinks(draw.id) } });
  });

  router.get(`${BASE}/draws/:drawId`, guard.require('draws.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const { draw, winners } = await getConsoleDrawOrThrow({ db, brandId, drawId: param(req, 'drawId') });
    res.json({ draw: { ...draw, links: publicDrawLinks(draw.id) }, winners });
  });

  router.post(`${BASE}/draws/:drawId/run`, guard.require('draws.run'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const drawId = param(req, 'drawId');
    const { alreadyDrawn } = await runDraw({
      db,
      generateId,
      clock,
      ...drawNotifier,
      brandId,
      drawId,
      auditActor: { brandId, userId, email },
    });
    const payouts = await settle(brandId, drawId);
    const { draw, winners } = await getConsoleDrawOrThrow({ db, brandId, drawId });
    res.json({ alreadyDrawn, payouts, draw: { ...draw, links: publicDrawLinks(draw.id) }, winners });
  });

  router.post(
    `${BASE}/draws/:drawId/winners/:winnerId/forfeit`,
    guard.require('draws.run'),
    async (req, res) => {
      const { brandId, userId, email } = consoleActorOf(res);
      const drawId = param(req, 'drawId');
      const winnerId = param(req, 'winnerId');
      const { winners } = await getConsoleDrawOrThrow({ db, brandId, drawId });
      if (!winners.some((winner) => winner.id === winnerId))
        throw createDrawNotFoundError({
          message: `No winner "${winnerId}" in draw "${drawId}"`,
          details: { drawId, winnerId },
        });
      const winner = await forfeitWinner({
        db,
        brandId,
        winnerId,
        audit: { actor: { brandId, userId, email }, clock, generateId },
      });
      res.json({ winner });
    },
  );

  router.post(`${BASE}/draws/:drawId/promote-reserves`, guard.require('draws.run'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const drawId = param(req, 'drawId');
    const result = await promoteReserveWinners({
      db,
      clock,
      ...drawNotifier,
      brandId,
      drawId,
      audit: { actor: { brandId, userId, email }, generateId },
    });
    const payouts = await settle(brandId, drawId);
    res.json({ ...result, payouts, ...(await getConsoleDrawOrThrow({ db, brandId, drawId })) });
  });

  router.get(`${BASE}/draws/:drawId/export`, guard.require('draws.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const drawId = param(req, 'drawId');
    const record = await exportDraw({ db, brandId, drawId });
    res.setHeader('Content-Disposition', `attachment; filename="${drawId}.json"`);
    res.json(record);
  });

  return router;
}
