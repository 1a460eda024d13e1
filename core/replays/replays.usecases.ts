import { z } from 'zod';
import {
  createCampaignNotFoundError,
  createCampaignsRepository,
  findCampaignOrThrow,
  parseCampaignSettings,
  readCampaignSettings,
} from '../campaigns/index.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { createValidationError } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  countDecidedSubmissions,
  listDecidedSubmissionIds,
  readDecidedSubmissions,
} from '../submissions/index.js';
import { createReplayNotFoundError } from './replays.errors.js';
import { createReplayAccumulator } from './replays.models.js';
import { createReplaysRepository, type CampaignReplay } from './replays.repository.js';

export type ReplaysDeps = { db: Database; clock: Clock; generateId: IdGenerator };

/** Proofs read per page; progress is saved (and the lease renewed) after each. @default 2000 */
export const REPLAY_PAGE_SIZE = 2_000;
/** How long a worker holds a replay without saving progress before another may restart it. @default 120 s */
export const REPLAY_LEASE_MS = 120_000;

export const replayRequestSchema = z.object({
  /** Draft rules / rewards; what is left out is the campaign's own. */
  rules: z.unknown().optional(),
  rewards: z.unknown().optional(),
  /** Decided proofs of the last `days` days. @default 30 */
  days: z.number().int().min(1).max(366).default(30),
});

const DAY_MS = 86_400_000;

/** A replay as the console reads it. */
export function replayView(replay: CampaignReplay) {
  return {
    id: replay.id,
    campaignId: replay.campaignId,
    baseVersion: replay.baseVersion,
    days: replay.days,
    since: replay.since.toISOString(),
    state: replay.state,
    total: replay.total,
    processed: replay.processed,
    result: replay.result ?? null,
    lastError: replay.lastError,
    createdAt: replay.createdAt.toISOString(),
    startedAt: replay.startedAt?.toISOString() ?? null,
    finishedAt: replay.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Queues a what-if replay of the campaign's decided proofs of the last `days` days under draft rules and
 * rewards (validated here: a bad draft is a 400 naming each path). The worker runs it.
 */
export async function requestCampaignReplay(
  deps: ReplaysDeps,
  {
    brandId,
    ref,
    input,
    requestedBy,
  }: { brandId: string; ref: string; input: unknown; requestedBy: string | null },
): Promise<{ replay: CampaignReplay }> {
  const request = replayRequestSchema.parse(input ?? {});
  const campaign = await findCampaignOrThrow(
    createCampaignsRepository({ db: deps.db, generateId: deps.generateId }),
    { brandId, ref },
  );
  const settings = parseCampaignSettings({
    rules: request.rules ?? campaign.rules,
    rewards: request.rewards ?? campaign.rewards,
  });
  if (!settings.ok)
    throw createValidationError({
      message: `Invalid draft: ${settings.issues[0]?.path}: ${settings.issues[0]?.message}`,
      details: {
        issues: settings.issues.map((issue) => ({ path: issue.path.split('.'), message: issue.message })),
        fieldErrors: Object.fromEntries(settings.issues.map((issue) => [issue.path, issue.message])),
      },
    });
  const now = deps.clock.now();
  const since = new Date(now.getTime() - request.days * DAY_MS);
  const total = await countDecidedSubmissions(deps.db, { campaignId: campaign.id, since });
  const replay = await createReplaysRepository(deps).insertReplay({
    brandId,
    campaignId: campaign.id,
    baseVersion: campaign.version,
    rules: settings.rules as unknown as Record<string, unknown>,
    rewards: settings.rewards as unknown as Record<string, unknown>,
    days: request.days,
    since,
    state: 'queued',
    total,
    requestedBy,
    createdAt: now,
  });
  return { replay };
}

export async function getCampaignReplay(
  deps: ReplaysDeps,
  { brandId, ref, replayId }: { brandId: string; ref: string; replayId: string },
): Promise<{ replay: CampaignReplay }> {
  const campaign = await findCampaignOrThrow(
    createCampaignsRepository({ db: deps.db, generateId: deps.generateId }),
    { brandId, ref },
  );
  const replay = await createReplaysRepository(deps).getReplay({
    brandId,
    campaignId: campaign.id,
    replayId,
  });
  if (!replay) throw createReplayNotFoundError({ details: { replayId } });
  return { replay };
}

/**
 * Runs the oldest waiting replay to its end: pages of decided proofs, oldest first, through the draft
 * rules; progress saved after each page. A worker that dies leaves a lapsed lease, and the replay starts
 * over elsewhere (a replay changes nothing, so running it twice is harmless).
 */
export async function runNextCampaignReplay(
  deps: ReplaysDeps,
  { pageSize = REPLAY_PAGE_SIZE, leaseMs = REPLAY_LEASE_MS }: { pageSize?: number; leaseMs?: number } = {},
): Promise<{ replayId?: string; processed: number }> {
  const repository = createReplaysRepository(deps);
  const replay = await repository.claimNextReplay({ now: deps.clock.now(), leaseMs });
  if (!replay) return { processed: 0 };
  try {
    const campaign = await createCampaignsRepository({
      db: deps.db,
      generateId: deps.generateId,
    }).getCampaign({
      brandId: replay.brandId,
      campaignId: replay.campaignId,
    });
    if (!campaign) throw createCampaignNotFoundError({ details: { campaignId: replay.campaignId } });
    const { settings } = readCampaignSettings({ ...campaign, rules: replay.rules, rewards: replay.rewards });
    const accumulator = createReplayAccumulator({ campaign: settings });
    // The order once (one sort), then the proofs by id, a page at a time: each page costs its own rows.
    const ids = await listDecidedSubmissionIds(deps.db, {
      campaignId: replay.campaignId,
      since: replay.since,
    });
    await repository.recordProgress({
      replayId: replay.id,
      total: ids.length,
      processed: 0,
      leaseUntil: new Date(deps.clock.now().getTime() + leaseMs),
    });
    let processed = 0;
    for (let start = 0; start < ids.length; start += pageSize) {
      const page = await readDecidedSubmissions(deps.db, ids.slice(start, start + pageSize));
      for (const row of page) accumulator.add(row);
      processed += page.length;
      if (start + pageSize >= ids.length) break;
      await repository.recordProgress({
        replayId: replay.id,
        processed,
        leaseUntil: new Date(deps.clock.now().getTime() + leaseMs),
      });
    }
    await repository.finishReplay({
      replayId: replay.id,
      result: accumulator.result(),
      now: deps.clock.now(),
    });
    return { replayId: replay.id, processed };
  } catch (error) {
    await repository.failReplay({
      replayId: replay.id,
      error: (error as Error).message,
      now: deps.clock.now(),
    });
    throw error;
  }
}
