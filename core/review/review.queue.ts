import {
  addDays,
  createCampaignsRepository,
  evaluateCampaignRules,
  localDateOf,
  readCampaignSettings,
  startOfLocalDay,
  type CampaignWithSettings,
  type RulesDecision,
} from '../campaigns/index.js';
import {
  createReceiptsRepository,
  hammingDistance,
  PERCEPTUAL_MATCH_MAX_BITS,
  rulesInvoiceFromReading,
  type ReceiptFields,
  type ReceiptReading,
} from '../receipts/index.js';
import { createValidationError } from '../shared/errors.js';
import { createMembersRepository } from '../members/index.js';
import { listHeldWinnerProofs, type HeldWin } from '../payouts/index.js';
import { createSubmissionNotFoundError, createSubmissionsRepository } from '../submissions/index.js';
import { createReviewItemLeasedError } from './review.errors.js';
import { flagReasonsOf, REVIEW_LEASE_MS, type ReviewFlagReason } from './review.models.js';
import { createReviewRepository, type ReviewLease } from './review.repository.js';
import type { ReviewDeps, Reviewer } from './review.types.js';

export type ReviewQueueFilters = {
  brandId: string;
  campaignId?: string;
  /** Only items flagged for this reason. */
  reason?: ReviewFlagReason;
  /** Only photos intake flagged (duplicates, velocity), or only unflagged ones. */
  flagged?: boolean;
  /** Reading kind: `receipt`, `paper-invoice`, `unreadable`. */
  kind?: string;
  /** Only readings at or below this overall confidence. */
  maxConfidence?: number;
  /** Also list items another reviewer holds (by default they are left out: nobody else may take them). */
  includeLeased?: boolean;
  /** Cursor: the `createdAt|id` of the last item of the previous page. */
  after?: string;
  /** @default 50 */
  limit?: number;
};

export type LeaseView = { reviewerId: string; reviewerName: string; expiresAt: Date; mine: boolean };

export type ReviewQueueItem = {
  submissionId: string;
  campaignId: string;
  campaignName: Record<string, string> | null;
  memberId: string;
  receiptImageId: string;
  submittedAt: Date;
  /** How long the proof has waited, at `now` of the answer. */
  ageMs: number;
  kind: string | null;
  confidence: number | null;
  flags: string[];
  reasons: ReviewFlagReason[];
  duplicateOfId: string | null;
  imageErased: boolean;
  summary: { storeName?: string; date?: string; totalMinor?: number; currency?: string };
  lease: LeaseView | null;
  /**
   * Set when the proof (accepted without a person) is behind draw wins held until a reviewer confirms it:
   * the winners wait, so these items come first. Approving tells them; rejecting forfeits the wins.
   */
  drawWinnerWaiting: { wins: HeldWin[] } | null;
};

export type ReviewQueuePage = {
  items: ReviewQueueItem[];
  /** Items matching the filters (all pages), and how many of them other reviewers hold right now. */
  count: number;
  leasedByOthers: number;
  oldestAgeMs: number | null;
  now: Date;
  nextCursor?: string;
};

const leaseView = (lease: ReviewLease | undefined, reviewerId: string | undefined): LeaseView | null =>
  lease
    ? {
        reviewerId: lease.reviewerId,
        reviewerName: lease.reviewerName,
        expiresAt: lease.expiresAt,
        mine: lease.reviewerId === reviewerId,
      }
    : null;

/** Campaign settings by id, read once per call. */
function campaignCache(deps: Pick<ReviewDeps, 'db' | 'generateId'>, brandId: string) {
  const repository = createCampaignsRepository({ db: deps.db, generateId: deps.generateId });
  const cache = new Map<string, Promise<CampaignWithSettings | undefined>>();
  return (campaignId: string) => {
    let found = cache.get(campaignId);
    if (!found) {
      found = repository.getCampaign({ brandId, campaignId }).then((row) => {
        if (!row) return undefined;
        try {
          return readCampaignSettings(row);
        } catch {
          return undefined;
        }
      });
      cache.set(campaignId, found);
    }
    return found;
  };
}

/**
 * The campaign rules on a reading (and a reviewer's corrections), as the decision would run them, or
 * the fields that are missing to run them. `counts` are the member's accepted proofs (caps).
 */
export function judgeFields(
  campaign: CampaignWithSettings,
  {
    reading,
    corrections = {},
    registeredAt,
    counts = { today: 0, total: 0 },
  }: {
    reading: ReceiptReading | null;
    corrections?: Partial<ReceiptFields> & { currency?: 'TWD' | 'THB' };
    registeredAt: Date;
    counts?: { today: number; total: number };
  },
):
  | {
      ok: true;
      fields: ReceiptFields;
      invoice: NonNullable<ReturnType<typeof rulesInvoiceFromReading>>;
      rules: RulesDecision;
    }
  | { ok: false; fields: ReceiptFields; missing: string[] } {
  const { currency, ...fieldCorrections } = corrections;
  const fields: ReceiptFields = { ...(reading?.fields ?? { items: [] }), ...fieldCorrections };
  const fallback = campaign.currency === 'TWD' ? 'TWD' : 'THB';
  const invoice = rulesInvoiceFromReading(
    { fields, currency: currency ?? reading?.currency ?? fallback, qr: reading?.qr },
    currency ?? fallback,
  );
  if (!invoice || invoice.totalAmountMinor === null) {
    const missing = [
      ...(fields.date ? [] : ['date']),
      ...(fields.totalMinor === undefined ? ['totalMinor'] : []),
    ];
    return { ok: false, fields, missing: missing.length > 0 ? missing : ['totalMinor'] };
  }
  const rules = evaluateCampaignRules({
    campaign: campaign.settings,
    invoice,
    registeredAt,
    context: { memberAcceptedToday: counts.today, memberAcceptedInCampaign: counts.total },
  });
  return { ok: true, fields, invoice, rules };
}

/**
 * Photo proofs waiting for a person, oldest first (first in, first decided), with the reasons each was
 * flagged, its age, and who holds it. Items another reviewer holds are left out unless asked for.
 */
export async function listReviewQueue(
  deps: Pick<ReviewDeps, 'db' | 'clock' | 'generateId'>,
  filters: ReviewQueueFilters & { reviewerId?: string },
): Promise<ReviewQueuePage> {
  const limit = Math.min(200, Math.max(1, filters.limit ?? 50));
  const now = deps.clock.now();
  const repository = createReviewRepository({ db: deps.db });
  const campaignOf = campaignCache(deps, filters.brandId);
  // Proofs behind held draw wins come first (a winner waits on them), all on the first page, beyond `limit`.
  const held = (await listHeldWinnerProofs(deps.db, filters)).filter(
    (row) => !filters.kind || row.image.readingKind === filters.kind,
  );
  const rows = [
    ...held,
    ...(await repository.queuedRows(filters)).map((row) => ({ ...row, wins: [] as HeldWin[] })),
  ];
  const leases = new Map(
    (await repository.liveLeases({ brandId: filters.brandId, now })).map((lease) => [
      lease.submissionId,
      lease,
    ]),
  );
  let after: { time: Date; id: string } | undefined;
  if (filters.after) {
    const [time, id] = filters.after.split('|');
    const parsed = new Date(time ?? '');
    if (!id || Number.isNaN(parsed.getTime()))
      throw createValidationError({
        message: 'Bad cursor',
        details: { issues: [{ path: ['after'], message: 'Bad cursor' }] },
      });
    after = { time: parsed, id };
  }

  const matching: ReviewQueueItem[] = [];
  for (const { submission, image, wins } of rows) {
    const flags = image.flags ?? [];
    if (filters.flagged === true && flags.length === 0) continue;
    if (filters.flagged === false && flags.length > 0) continue;
    if (filters.maxConfidence !== undefined && (image.confidence ?? 0) > filters.maxConfidence) continue;
    const reading = image.reading as unknown as ReceiptReading | null;
    const campaign = await campaignOf(submission.campaignId);
    const judged = campaign
      ? judgeFields(campaign, { reading, registeredAt: submission.createdAt })
      : undefined;
    const reasons = flagReasonsOf({
      confidence: image.confidence,
      flags,
      rulesPass: judged?.ok ? judged.rules.qualifies : undefined,
    });
    if (filters.reason && !reasons.includes(filters.reason)) continue;
    const lease = leaseView(leases.get(submission.id), filters.reviewerId);
    matching.push({
      submissionId: submission.id,
      campaignId: submission.campaignId,
      campaignName: (campaign?.name as Record<string, string> | undefined) ?? null,
      memberId: submission.memberId,
      receiptImageId: image.id,
      submittedAt: submission.createdAt,
      ageMs: Math.max(0, now.getTime() - submission.createdAt.getTime()),
      kind: image.readingKind,
      confidence: image.confidence,
      flags,
      reasons,
      duplicateOfId: image.duplicateOfId,
      imageErased: image.erasedAt !== null,
      summary: {
        storeName: reading?.fields.storeName,
        date: reading?.fields.date,
        totalMinor: reading?.fields.totalMinor,
        currency: reading?.currency,
      },
      lease,
      drawWinnerWaiting: wins.length > 0 ? { wins } : null,
    });
  }
  const leasedByOthers = matching.filter((item) => item.lease && !item.lease.mine).length;
  const free = (item: ReviewQueueItem) => filters.includeLeased || !item.lease || item.lease.mine;
  const waitingWinners = after ? [] : matching.filter((item) => item.drawWinnerWaiting && free(item));
  const visible = matching.filter(
    (item) =>
      !item.drawWinnerWaiting &&
      free(item) &&
      (!after ||
        item.submittedAt > after.time ||
        (item.submittedAt.getTime() === after.time.getTime() && item.submissionId > after.id)),
  );
  const page = visible.slice(0, limit);
  const last = page.at(-1);
  return {
    items: [...waitingWinners, ...page],
    count: matching.length,
    leasedByOthers,
    oldestAgeMs: matching.length > 0 ? Math.max(...matching.map((item) => item.ageMs)) : null,
    now,
    ...(visible.length > limit && last
      ? { nextCursor: `${last.submittedAt.toISOString()}|${last.submissionId}` }
      : {}),
  };
}

/** How many photo proofs wait for a person (for the navigation badge). */
export async function countReviewQueue(
  deps: Pick<ReviewDeps, 'db'>,
  { brandId, campaignId }: { brandId: string; campaignId?: string },
) {
  const [queued, held] = await Promise.all([
    createReviewRepository({ db: deps.db }).queuedRows({ brandId, campaignId }),
    listHeldWinnerProofs(deps.db, { brandId, campaignId }),
  ]);
  return queued.length + held.length;
}

/**
 * Takes (or renews) the reviewer's lease on an item: 409 `review.leased` naming the holder when someone
 * else has it. The lease lapses REVIEW_LEASE_MS after the last renewal.
 */
export async function leaseReviewItem(
  deps: Pick<ReviewDeps, 'db' | 'clock'>,
  { brandId, submissionId, reviewer }: { brandId: string; submissionId: string; reviewer: Reviewer },
): Promise<LeaseView> {
  const now = deps.clock.now();
  const repository = createReviewRepository({ db: deps.db });
  const row = await repository.itemRow({ brandId, submissionId });
  if (!row) throw createSubmissionNotFoundError({ details: { submissionId } });
  const lease = await repository.acquireLease({
    brandId,
    submissionId,
    reviewerId: reviewer.id,
    reviewerName: reviewer.name,
    now,
    expiresAt: new Date(now.getTime() + REVIEW_LEASE_MS),
  });
  if (!lease) {
    const holder = await repository.getLease(submissionId);
    throw createReviewItemLeasedError({
      message: `${holder?.reviewerName ?? 'Another reviewer'} is working on this proof`,
      details: { submissionId, reviewer: holder?.reviewerName, expiresAt: holder?.expiresAt },
    });
  }
  return leaseView(lease, reviewer.id) as LeaseView;
}

/** Gives the item back (leaving it, skipping it): another reviewer may take it at once. */
export async function releaseReviewItem(
  deps: Pick<ReviewDeps, 'db'>,
  { submissionId, reviewer }: { submissionId: string; reviewer: Reviewer },
): Promise<{ released: boolean }> {
  return {
    released: await createReviewRepository({ db: deps.db }).releaseLease({
      submissionId,
      reviewerId: reviewer.id,
    }),
  };
}

/**
 * The oldest item nobody else holds (matching the filters, after `after` when given), leased to the
 * reviewer in the same step: two reviewers asking at once get different items.
 */
export async function takeNextReviewItem(
  deps: Pick<ReviewDeps, 'db' | 'clock' | 'generateId'>,
  filters: ReviewQueueFilters & { reviewer: Reviewer },
): Promise<{ submissionId: string; lease: LeaseView } | null> {
  const page = await listReviewQueue(deps, { ...filters, reviewerId: filters.reviewer.id, limit: 200 });
  for (const item of page.items) {
    try {
      const lease = await leaseReviewItem(deps, {
        brandId: filters.brandId,
        submissionId: item.submissionId,
        reviewer: filters.reviewer,
      });
      return { submissionId: item.submissionId, lease };
    } catch (error) {
      if ((error as { code?: string }).code !== 'review.leased') throw error;
    }
  }
  return null;
}

/**
 * One queued proof with everything a reviewer needs, leased to them: the photo, the fields read, the
 * campaign rules one by one on those fields, the member's recent proofs, and the photos it may repeat.
 */
export async function getReviewItem(
  deps: ReviewDeps,
  {
    brandId,
    submissionId,
    reviewer,
    imageUrl,
  }: { brandId: string; submissionId: string; reviewer: Reviewer; imageUrl: (imageId: string) => string },
) {
  const repository = createReviewRepository({ db: deps.db });
  const row = await repository.itemRow({ brandId, submissionId });
  if (!row) throw createSubmissionNotFoundError({ details: { submissionId } });
  const [held] = await listHeldWinnerProofs(deps.db, { brandId, submissionId });
  const lease =
    row.submission.state === 'in_review' || held
      ? await leaseReviewItem(deps, { brandId, submissionId, reviewer })
      : null;
  const reading = row.image.reading as unknown as ReceiptReading | null;
  const campaign = await campaignCache(deps, brandId)(row.submission.campaignId);
  const counts = await memberCounts(deps, campaign, row.submission);
  const judged = campaign
    ? judgeFields(campaign, { reading, registeredAt: row.submission.createdAt, counts })
    : undefined;
  const member = await createMembersRepository({ db: deps.db, generateId: deps.generateId }).getMemberById({
    brandId,
    memberId: row.submission.memberId,
  });
  const recent = await repository.recentProofsOfMember({
    brandId,
    memberId: row.submission.memberId,
    excludeId: submissionId,
  });
  const now = deps.clock.now();
  return {
    submission: {
      id: row.submission.id,
      state: row.submission.state,
      campaignId: row.submission.campaignId,
      memberId: row.submission.memberId,
      submittedAt: row.submission.createdAt,
      ageMs: Math.max(0, now.getTime() - row.submission.createdAt.getTime()),
      reasonCode: row.submission.reasonCode,
    },
    lease,
    drawWinnerWaiting: held ? { wins: held.wins } : null,
    campaign: campaign
      ? {
          id: campaign.id,
          slug: campaign.slug,
          name: campaign.name,
          currency: campaign.currency,
          timezone: campaign.timezone,
        }
      : null,
    member: member
      ? {
          id: member.id,
          displayName: member.erasedAt ? null : member.displayName,
          name: member.erasedAt ? null : member.name,
          locale: member.locale,
          erased: member.erasedAt !== null,
        }
      : null,
    image: {
      id: row.image.id,
      // An erased member's photo has no bytes any more: no link, and the reviewer is told why.
      url: row.image.storageKey ? imageUrl(row.image.id) : null,
      erased: row.image.erasedAt !== null,
      width: row.image.width,
      height: row.image.height,
      uploadedAt: row.image.uploadedAt,
      capturedAt: row.image.capturedAt,
      location:
        row.image.latitude !== null && row.image.longitude !== null
          ? { latitude: row.image.latitude, longitude: row.image.longitude }
          : null,
      flags: row.image.flags ?? [],
      reasons: flagReasonsOf({
        confidence: row.image.confidence,
        flags: row.image.flags ?? [],
        rulesPass: judged?.ok ? judged.rules.qualifies : undefined,
      }),
      duplicateOf: row.image.duplicateOfId
        ? { id: row.image.duplicateOfId, url: imageUrl(row.image.duplicateOfId) }
        : null,
    },
    reading: reading
      ? {
          kind: reading.kind,
          currency: reading.currency,
          fields: reading.fields,
          confidence: reading.confidence,
          qr: reading.qr,
        }
      : null,
    rules: judged
      ? judged.ok
        ? {
            qualifies: judged.rules.qualifies,
            verdicts: judged.rules.verdicts,
            rewards: judged.rules.rewards,
            missing: [],
          }
        : { qualifies: false, verdicts: [], rewards: null, missing: judged.missing }
      : null,
    recentProofs: recent.map((proof) => ({
      id: proof.id,
      campaignId: proof.campaignId,
      kind: proof.kind,
      state: proof.state,
      reasonCode: proof.reasonCode,
      submittedAt: proof.createdAt,
      decidedAt: proof.decidedAt,
      imageUrl: proof.receiptImageId && proof.imageStorageKey ? imageUrl(proof.receiptImageId) : null,
    })),
    duplicates: await duplicateCandidates(deps, { brandId, image: row.image, imageUrl }),
  };
}

/** The member's accepted proofs today and in the campaign (the caps), as the decision counts them. */
export async function memberCounts(
  deps: Pick<ReviewDeps, 'db'>,
  campaign: CampaignWithSettings | undefined,
  submission: { id: string; memberId: string; campaignId: string; createdAt: Date },
) {
  if (!campaign) return { today: 0, total: 0 };
  const day = localDateOf(submission.createdAt, campaign.timezone);
  return createSubmissionsRepository({ db: deps.db }).countAccepted({
    memberId: submission.memberId,
    campaignId: submission.campaignId,
    dayStart: startOfLocalDay(day, campaign.timezone),
    dayEnd: startOfLocalDay(addDays(day, 1), campaign.timezone),
    excludeId: submission.id,
  });
}

/**
 * Photos this one may repeat: the same picture (perceptual hash within PERCEPTUAL_MATCH_MAX_BITS), the
 * same purchase (content key), and the one intake linked — each with its distance and its proof's state.
 */
async function duplicateCandidates(
  deps: Pick<ReviewDeps, 'db'>,
  {
    brandId,
    image,
    imageUrl,
  }: {
    brandId: string;
    image: {
      id: string;
      memberId: string | null;
      perceptualHash: string | null;
      contentKey: string | null;
      duplicateOfId: string | null;
    };
    imageUrl: (imageId: string) => string;
  },
) {
  const matches = new Map<string, { match: 'image' | 'content'; distance: number | null }>();
  if (image.perceptualHash) {
    const hashes = await createReceiptsRepository({ db: deps.db }).recentPerceptualHashes({ brandId });
    for (const candidate of hashes) {
      if (candidate.id === image.id || !candidate.perceptualHash) continue;
      const distance = hammingDistance(image.perceptualHash, candidate.perceptualHash);
      if (distance <= PERCEPTUAL_MATCH_MAX_BITS) matches.set(candidate.id, { match: 'image', distance });
    }
  }
  const repository = createReviewRepository({ db: deps.db });
  if (image.contentKey)
    for (const id of await repository.sameContentImageIds({
      brandId,
      contentKey: image.contentKey,
      excludeId: image.id,
    }))
      if (!matches.has(id)) matches.set(id, { match: 'content', distance: null });
  if (image.duplicateOfId && !matches.has(image.duplicateOfId))
    matches.set(image.duplicateOfId, { match: 'content', distance: null });
  const rows = await repository.imagesWithSubmission({ brandId, imageIds: [...matches.keys()].slice(0, 10) });
  return rows
    .map(({ image: other, submissionId, submissionState }) => {
      const reading = other.reading as unknown as ReceiptReading | null;
      const found = matches.get(other.id)!;
      return {
        imageId: other.id,
        url: other.storageKey ? imageUrl(other.id) : null,
        match: found.match,
        distance: found.distance,
        sameMember: other.memberId !== null && other.memberId === image.memberId,
        memberId: other.memberId,
        uploadedAt: other.uploadedAt,
        submission: submissionId ? { id: submissionId, state: submissionState } : null,
        summary: {
          storeName: reading?.fields.storeName,
          date: reading?.fields.date,
          totalMinor: reading?.fields.totalMinor,
        },
      };
    })
    .sort(
      (a, b) => (a.distance ?? 99) - (b.distance ?? 99) || a.uploadedAt.getTime() - b.uploadedAt.getTime(),
    );
}
