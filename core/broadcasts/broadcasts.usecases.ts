import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { auditLog } from '../audit/audit.table.js';
import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import { findFirstLineChannel } from '../brands/brands.refs.js';
import { lineChannels } from '../brands/brands.table.js';
import { queryRows, type Database, type Executor } from '../db/database.js';
import type { LineMessenger } from '../messaging/index.js';
import {
  getSegmentOrThrow,
  previewCondition,
  type ConditionContext,
  type SegmentCondition,
} from '../segments/index.js';
import { createSegmentsRepository } from '../segments/segments.repository.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  createBroadcastNarrowcastNeedsConsentError,
  createBroadcastNoChannelError,
  createBroadcastNotEditableError,
  createBroadcastNotFoundError,
  createBroadcastQuotaExceededError,
} from './broadcasts.errors.js';
import { quietHoursAt } from './broadcasts.models.js';
import { createBroadcastsRepository, type Broadcast } from './broadcasts.repository.js';
import { NARROWCAST_MIN_RECIPIENTS, narrowcastConsentDecision } from './broadcasts.narrowcast.models.js';
import { freezeRecipients, loadCandidates } from './broadcasts.freeze.js';
import { estimateBroadcastCost, type QuotaReading } from './broadcasts.plans.js';
import { loadBroadcastRules, type BrandBroadcastRules } from './broadcasts.settings.js';
import type { CreateBroadcastInput } from './broadcasts.schemas.js';
import type { BroadcastVariant } from './broadcasts.table.js';
import { broadcasts } from './broadcasts.table.js';

export type BroadcastsDeps = {
  db: Database;
  clock: Clock;
  generateId: IdGenerator;
  /** Quota checks at send time. */
  messenger: Pick<LineMessenger, 'getMessageQuota'>;
  /**
   * The public base URL tracked links point at (`<base>/r/<token>`). Without it links are sent as written
   * and clicks are not counted.
   */
  trackedLinkBaseUrl?: string;
};

export type BroadcastActor = {
  userId: string | undefined;
  via?: string;
  /** The console user behind the request: each change is audited in its transaction (none for the scheduler). */
  audit?: ConsoleAuditActor;
};

function auditBroadcast(
  tx: Parameters<typeof recordConsoleAction>[0],
  deps: Pick<BroadcastsDeps, 'clock' | 'generateId'>,
  actor: BroadcastActor,
  { action, broadcastId, data }: { action: string; broadcastId: string; data: Record<string, unknown> },
) {
  if (!actor.audit) return Promise.resolve();
  return recordConsoleAction(tx, deps, actor.audit, {
    action,
    targetType: 'broadcast',
    targetId: broadcastId,
    data,
  });
}

function auditQuietHoursOverride(
  tx: Executor,
  deps: Pick<BroadcastsDeps, 'generateId'>,
  actor: BroadcastActor,
  { broadcast, at, recipients }: { broadcast: Broadcast; at: Date; recipients: number | null },
) {
  return tx.insert(auditLog).values({
    id: deps.generateId('auditEntry'),
    brandId: broadcast.brandId,
    actorType: 'console_user',
    actorId: actor.userId ?? null,
    action: 'broadcast.quiet_hours_overridden',
    targetType: 'broadcast',
    targetId: broadcast.id,
    data: { recipients, at: at.toISOString() },
    createdAt: at,
  });
}

async function contextOf(deps: Pick<BroadcastsDeps, 'db' | 'clock' | 'generateId'>, brandId: string) {
  const ctx = await createSegmentsRepository(deps).getBrandContext(brandId, deps.clock.now());
  if (!ctx) throw createBroadcastNotFoundError({ message: 'No such brand' });
  return ctx;
}

/**
 * Saves a draft broadcast, with the recipient estimate and its cost. Nothing is sent yet. A demographic
 * audience is a narrowcast: refused where the country needs opt-in consent, with warnings elsewhere.
 */
export async function createBroadcast(
  deps: Omit<BroadcastsDeps, 'messenger'> & { messenger?: BroadcastsDeps['messenger'] },
  { brandId, actor, input }: { brandId: string; actor: BroadcastActor; input: CreateBroadcastInput },
) {
  const ctx = await contextOf(deps, brandId);
  const narrowcast = input.demographic !== undefined;
  const consent = narrowcast ? narrowcastConsentDecision(ctx.country) : undefined;
  if (consent && !consent.allowed)
    throw createBroadcastNarrowcastNeedsConsentError({ details: { country: ctx.country } });
  const condition: SegmentCondition | undefined = input.segmentId
    ? (await getSegmentOrThrow(deps, { brandId, segmentId: input.segmentId })).condition
    : (input.condition as SegmentCondition | undefined);
  const channel = await findFirstLineChannel(deps.db, brandId);
  if (!channel) throw createBroadcastNoChannelError();
  const variants: BroadcastVariant[] = [
    { key: 'A', messages: input.messages, languages: input.languages ?? {} },
    ...(input.variants ?? []).map((variant, index) => ({
      key: String.fromCharCode(66 + index),
      messages: variant.messages,
      languages: variant.languages ?? {},
    })),
  ];
  const rules = await loadBroadcastRules(deps.db, brandId);
  // Stored on the broadcast: a later change of the brand's setting does not change what this one does.
  const quietHoursMidSend = narrowcast ? 'wait' : (input.quietHoursMidSend ?? rules.quietHoursMidSend);
  const id = deps.generateId('broadcast');
  await deps.db.transaction(async (tx) => {
    await tx.insert(broadcasts).values({
      id,
      brandId,
      channelId: channel.id,
      segmentId: input.segmentId,
      condition: (condition ?? null) as unknown as Record<string, unknown> | null,
      demographicFilter: input.demographic ?? null,
      messages: input.messages,
      variants,
      holdoutPercent: input.holdoutPercent,
      ignoreQuietHours: input.ignoreQuietHours,
      quietHoursMidSend,
      // Narrowcast bodies are the same for everyone: no per-member tracked links.
      trackLinks: narrowcast ? false : input.trackLinks,
      method: narrowcast ? 'narrowcast' : 'multicast',
      state: 'draft',
      scheduledAt: input.sendAt ? new Date(input.sendAt) : null,
      createdBy: actor.userId,
      createdAt: ctx.now,
    });
    await auditBroadcast(tx, deps, actor, {
      action: 'broadcast.created',
      broadcastId: id,
      data: {
        segmentId: input.segmentId ?? null,
        sendAt: input.sendAt ?? null,
        variants: variants.length,
        quietHoursMidSend,
        ...(input.quietHoursMidSend === undefined ? {} : { quietHoursMidSendChosen: true }),
        ...(narrowcast ? { method: 'narrowcast', demographic: input.demographic } : {}),
      },
    });
  });
  const quota = await readQuota(deps, channel);
  if (consent?.allowed) {
    // LINE picks the recipients among all the account's friends: the friends we know are the estimate.
    const friends = await countKnownFriends(deps.db, brandId);
    return {
      id,
      method: 'narrowcast' as const,
      quietHoursMidSend,
      estimate: { ...estimateOf(ctx, rules, quota, friends, 0), basis: 'known_friends' as const },
      warnings: consent.warnings,
    };
  }
  const { count } = await previewCondition(deps, { brandId, condition: condition!, sample: false });
  return {
    id,
    method: 'multicast' as const,
    quietHoursMidSend,
    estimate: estimateOf(ctx, rules, quota, count, input.holdoutPercent),
  };
}

/** LINE's quota and consumption for the estimate; unknown when no messenger was given or LINE failed. */
async function readQuota(
  deps: { messenger?: BroadcastsDeps['messenger'] },
  channel: { lineChannelId: string; channelAccessToken: string },
): Promise<QuotaReading> {
  if (!deps.messenger) return { known: false };
  try {
    const quota = await deps.messenger.getMessageQuota({
      lineChannelId: channel.lineChannelId,
      channelAccessToken: channel.channelAccessToken,
    });
    return { known: true, limit: quota.limit, used: quota.used };
  } catch {
    return { known: false };
  }
}

/** The brand's members who follow the account: the friends a narrowcast may reach that we know of. */
async function countKnownFriends(db: Database, brandId: string) {
  const [row] = await queryRows<{ n: number | string }>(
    db,
    sql`select count(*) as n from members m where m.brand_id = ${brandId} and m.erased_at is null and m.following`,
  );
  return Number(row?.n ?? 0);
}

/** The recipients (reachable less the holdout) priced on the brand's plan against this month's quota. */
function estimateOf(
  ctx: ConditionContext,
  rules: BrandBroadcastRules,
  quota: QuotaReading,
  reachable: number,
  holdoutPercent: number,
) {
  const recipients = reachable - Math.round((reachable * holdoutPercent) / 100);
  return {
    reachable,
    ...estimateBroadcastCost({
      recipients,
      plan: rules.plan,
      quota,
      currency: ctx.country === 'TH' ? 'THB' : 'TWD',
    }),
  };
}

/**
 * Sends a draft (or a due scheduled) broadcast: waits when asked for later or inside quiet hours;
 * otherwise checks the month's quota, then freezes the recipient list (skipping blocked, unconsented
 * and capped members, splitting variants and holdout) and its chunks of ≤ 500, each with its retry key,
 * in one transaction. Delivery is the workers' (`deliverBroadcastChunks`). Calling it again is harmless.
 */
export async function startBroadcast(
  deps: BroadcastsDeps,
  { brandId, broadcastId, actor }: { brandId: string; broadcastId: string; actor: BroadcastActor },
): Promise<{ state: Broadcast['state']; waitReason: string | null }> {
  const ctx = await contextOf(deps, brandId);
  const current = await createBroadcastsRepository(deps.db).getBroadcast(brandId, broadcastId);
  if (!current) throw createBroadcastNotFoundError();
  if (current.state !== 'draft' && current.state !== 'scheduled')
    return { state: current.state, waitReason: current.waitReason };
  const rules = await loadBroadcastRules(deps.db, brandId);

  const wait = waitingReason(current, ctx, rules);
  if (wait) {
    await deps.db.transaction(async (tx) => {
      await createBroadcastsRepository(tx).updateBroadcast(broadcastId, {
        state: 'scheduled',
        scheduledAt: wait.until,
        waitReason: wait.reason,
      });
      // Asked to send a draft: it now waits. Asking again while it waits changes nothing worth a row.
      if (current.state === 'draft')
        await auditBroadcast(tx, deps, actor, {
          action: 'broadcast.sent',
          broadcastId,
          data: { state: 'scheduled', waitReason: wait.reason, until: wait.until.toISOString() },
        });
    });
    return { state: 'scheduled', waitReason: wait.reason };
  }

  if (current.method === 'narrowcast') return startNarrowcast(deps, { ctx, current, actor, rules });

  const condition = current.condition as unknown as SegmentCondition;
  const candidates = await loadCandidates(deps.db, condition, ctx, rules.frequencyCap);
  const toMessage = candidates.filter((candidate) => candidate.reason === null);
  const holdout = Math.round((toMessage.length * current.holdoutPercent) / 100);
  const needed = toMessage.length - holdout;
  const quota = await deps.messenger.getMessageQuota(await credentialsOf(deps.db, current.channelId));
  const estimate = estimateBroadcastCost({
    recipients: needed,
    plan: rules.plan,
    quota: { known: true, limit: quota.limit, used: quota.used },
    currency: ctx.country === 'TH' ? 'THB' : 'TWD',
  });
  if (estimate.refusal)
    throw createBroadcastQuotaExceededError({
      message: estimate.refusal.message,
      details: {
        reason: estimate.refusal.reason,
        needed,
        limit: quota.limit ?? null,
        used: quota.used,
        plan: estimate.plan?.key ?? null,
        includedLeft: estimate.includedLeft,
      },
    });

  return deps.db.transaction(async (tx) => {
    const repository = createBroadcastsRepository(tx);
    const locked = await repository.getBroadcast(brandId, broadcastId, { lock: true });
    // Another request froze it meanwhile: that one's recipients stand.
    if (!locked || (locked.state !== 'draft' && locked.state !== 'scheduled'))
      return { state: locked?.state ?? 'draft', waitReason: locked?.waitReason ?? null };

    const { chunks, recipients, skipped } = await freezeRecipients(repository, {
      broadcast: locked,
      candidates,
      now: ctx.now,
      linkBase: locked.trackLinks ? deps.trackedLinkBaseUrl : undefined,
    });
    const done = chunks === 0;
    await repository.updateBroadcast(broadcastId, {
      state: done ? 'sent' : 'sending',
      recipientCount: recipients,
      skipped,
      startedAt: ctx.now,
      finishedAt: done ? ctx.now : null,
      waitReason: null,
    });
    await auditBroadcast(tx, deps, actor, {
      action: 'broadcast.sent',
      broadcastId,
      data: { state: done ? 'sent' : 'sending', recipients, skipped },
    });
    if (locked.ignoreQuietHours && quietHoursAt(ctx.now, ctx.timezone, rules.quietHours).quiet)
      await auditQuietHoursOverride(tx, deps, actor, { broadcast: locked, at: ctx.now, recipients });
    return { state: done ? ('sent' as const) : ('sending' as const), waitReason: null };
  });
}

/**
 * A narrowcast starts as one chunk without user ids: its retry key is stored here, before the first
 * attempt, so every attempt by any worker sends the same key and body; LINE picks the recipients. The
 * quota must at least cover LINE's minimum reach; LINE itself refuses (429) a reach the quota cannot cover.
 */
async function startNarrowcast(
  deps: BroadcastsDeps,
  {
    ctx,
    current,
    actor,
    rules,
  }: { ctx: ConditionContext; current: Broadcast; actor: BroadcastActor; rules: BrandBroadcastRules },
): Promise<{ state: Broadcast['state']; waitReason: string | null }> {
  const quota = await deps.messenger.getMessageQuota(await credentialsOf(deps.db, current.channelId));
  if (quota.limit !== undefined && quota.used + NARROWCAST_MIN_RECIPIENTS > quota.limit)
    throw createBroadcastQuotaExceededError({
      message: `A narrowcast reserves its whole reach (at least ${NARROWCAST_MIN_RECIPIENTS}) from the quota; ${Math.max(0, quota.limit - quota.used)} are left of this month's quota of ${quota.limit}. Nothing was sent.`,
      details: { needed: NARROWCAST_MIN_RECIPIENTS, limit: quota.limit, used: quota.used },
    });
  return deps.db.transaction(async (tx) => {
    const repository = createBroadcastsRepository(tx);
    const locked = await repository.getBroadcast(current.brandId, current.id, { lock: true });
    if (!locked || (locked.state !== 'draft' && locked.state !== 'scheduled'))
      return { state: locked?.state ?? 'draft', waitReason: locked?.waitReason ?? null };
    await repository.insertChunks([
      {
        id: `${locked.id.replace(/^bct_/, 'bch_')}_1`,
        brandId: locked.brandId,
        broadcastId: locked.id,
        chunkNo: 1,
        lineUserIds: [],
        messages: locked.messages,
        retryKey: randomUUID(),
        state: 'pending',
      },
    ]);
    await repository.updateBroadcast(locked.id, {
      state: 'sending',
      skipped: {},
      startedAt: ctx.now,
      waitReason: null,
    });
    await auditBroadcast(tx, deps, actor, {
      action: 'broadcast.sent',
      broadcastId: locked.id,
      data: { state: 'sending', method: 'narrowcast', demographic: locked.demographicFilter },
    });
    if (locked.ignoreQuietHours && quietHoursAt(ctx.now, ctx.timezone, rules.quietHours).quiet)
      await auditQuietHoursOverride(tx, deps, actor, { broadcast: locked, at: ctx.now, recipients: null });
    return { state: 'sending' as const, waitReason: null };
  });
}

function waitingReason(broadcast: Broadcast, ctx: ConditionContext, rules: BrandBroadcastRules) {
  if (broadcast.state === 'draft' && broadcast.scheduledAt && broadcast.scheduledAt > ctx.now)
    return { reason: 'send_at', until: broadcast.scheduledAt };
  if (broadcast.ignoreQuietHours) return undefined;
  const quiet = quietHoursAt(ctx.now, ctx.timezone, rules.quietHours);
  return quiet.quiet ? { reason: 'quiet_hours', until: quiet.endsAt } : undefined;
}

export async function credentialsOf(db: Database, channelId: string) {
  const [channel] = await db.select().from(lineChannels).where(eq(lineChannels.id, channelId));
  if (!channel) throw createBroadcastNoChannelError();
  return { lineChannelId: channel.lineChannelId, channelAccessToken: channel.channelAccessToken };
}

/** Stops a broadcast: chunks not yet sent are cancelled; a chunk already in flight still completes. */
export async function cancelBroadcast(
  deps: Pick<BroadcastsDeps, 'db' | 'clock' | 'generateId'>,
  {
    brandId,
    broadcastId,
    actor = { userId: undefined },
  }: { brandId: string; broadcastId: string; actor?: BroadcastActor },
) {
  return deps.db.transaction(async (tx) => {
    const repository = createBroadcastsRepository(tx);
    const broadcast = await repository.getBroadcast(brandId, broadcastId, { lock: true });
    if (!broadcast) throw createBroadcastNotFoundError();
    if (!['draft', 'scheduled', 'sending'].includes(broadcast.state)) throw createBroadcastNotEditableError();
    if (broadcast.method === 'narrowcast' && broadcast.lineRequestId)
      throw createBroadcastNotEditableError({
        message: 'LINE has already accepted this narrowcast: it can no longer be stopped',
      });
    const cancelledChunks = await repository.cancelPendingChunks(broadcastId);
    await repository.updateBroadcast(broadcastId, { state: 'cancelled', finishedAt: deps.clock.now() });
    await auditBroadcast(tx, deps, actor, {
      action: 'broadcast.cancelled',
      broadcastId,
      data: { from: broadcast.state, cancelledChunks },
    });
    return { cancelledChunks };
  });
}
