import { and, eq, inArray, sql } from 'drizzle-orm';
import { brands, lineChannels, type Brand, type LineChannel } from '../brands/index.js';
import { activeCampaignStamps, parseCampaignStamps } from '../campaigns/index.js';
import type { Database } from '../db/database.js';
import type { WebhookEvent } from '../events/index.js';
import { localeFromLineLanguage, type Locale } from '../i18n/index.js';
import {
  createMembersRepository,
  members,
  type FollowingMemberInput,
  type Member,
} from '../members/index.js';
import type { IdGenerator } from '../shared/ids.js';
import { createTurnBatcher } from '../shared/turn-batch.js';
import { createSubmissionsRepository, type Submission } from '../submissions/index.js';
import { surveys } from '../surveys/index.js';
import { createProofQuestionsRepository, type ProofQuestion } from './conversations.questions.js';
import type { ConversationDeps } from './conversations.usecases.js';

/** What answering an event starts from: its channel, its brand, and the member who wrote (if known). */
export type EventContext = {
  channel: LineChannel;
  brand: Brand | undefined;
  member: Member | undefined;
  /**
   * Whether the brand has an active survey, read with the rest: most brands run none, and then an accepted
   * proof's answer need not look for one due (a survey switched on is seen by the next event's read).
   */
  runsSurveys?: boolean;
  /**
   * The brand's active campaigns' row stamps (`activeCampaignStamps`), read with the rest: a typed proof
   * reuses the campaign rows read for an earlier one when they match (`listActiveCampaignsStamped`).
   */
  activeCampaigns?: string[];
};

/** `runsSurveys` of the context's brand, in the statement that reads the context. */
const runsSurveys = sql<boolean>`exists (select 1 from ${surveys}
  where ${surveys.brandId} = ${lineChannels.brandId} and ${surveys.active})`;

/** `activeCampaigns` of the context's brand, in the statement that reads the context. */
const activeCampaigns = activeCampaignStamps(lineChannels.brandId);

/**
 * The event's channel (of the event's brand), the brand and the member `lineUserId` of that brand, in one
 * statement; undefined when the channel is gone. Read fresh for each event (a rotated access token or a
 * changed locale applies at once): no cache to go stale.
 */
export async function readEventContext(
  db: Database,
  { brandId, channelId, lineUserId }: { brandId: string; channelId: string; lineUserId: string },
): Promise<EventContext | undefined> {
  const [row] = await db
    .select({ channel: lineChannels, brand: brands, member: members, runsSurveys, activeCampaigns })
    .from(lineChannels)
    .leftJoin(brands, eq(brands.id, lineChannels.brandId))
    .leftJoin(members, and(eq(members.brandId, lineChannels.brandId), eq(members.lineUserId, lineUserId)))
    .where(and(eq(lineChannels.id, channelId), eq(lineChannels.brandId, brandId)))
    .limit(1);
  if (!row) return undefined;
  return {
    channel: row.channel,
    brand: row.brand ?? undefined,
    member: row.member ?? undefined,
    runsSurveys: row.runsSurveys,
    activeCampaigns: parseCampaignStamps(row.activeCampaigns),
  };
}

export type EventContextKey = { brandId: string; channelId: string; lineUserId: string };

/** Reads an event's context (`readEventContext`); the webhook worker's reads several in one statement. */
export type EventContextReader = (key: EventContextKey) => Promise<EventContext | undefined>;

/**
 * `readEventContext` for several events in one statement: their channels (each with its brand) and the
 * writers among those channels' brands' members. Read fresh for each call, like the single read.
 */
export async function readEventContexts(
  db: Database,
  keys: EventContextKey[],
): Promise<(EventContext | undefined)[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .select({ channel: lineChannels, brand: brands, member: members, runsSurveys, activeCampaigns })
    .from(lineChannels)
    .leftJoin(brands, eq(brands.id, lineChannels.brandId))
    .leftJoin(
      members,
      and(
        eq(members.brandId, lineChannels.brandId),
        inArray(members.lineUserId, [...new Set(keys.map((key) => key.lineUserId))]),
      ),
    )
    .where(inArray(lineChannels.id, [...new Set(keys.map((key) => key.channelId))]));
  const channels = new Map<
    string,
    {
      channel: LineChannel;
      brand: Brand | undefined;
      runsSurveys: boolean;
      activeCampaigns: string[] | undefined;
    }
  >();
  const found = new Map<string, Member>();
  for (const row of rows) {
    channels.set(row.channel.id, {
      channel: row.channel,
      brand: row.brand ?? undefined,
      runsSurveys: row.runsSurveys,
      activeCampaigns: parseCampaignStamps(row.activeCampaigns),
    });
    if (row.member) found.set(`${row.member.brandId}\n${row.member.lineUserId}`, row.member);
  }
  return keys.map(({ brandId, channelId, lineUserId }) => {
    const of = channels.get(channelId);
    if (!of || of.channel.brandId !== brandId) return undefined;
    return { ...of, member: found.get(`${brandId}\n${lineUserId}`) };
  });
}

/**
 * An `EventContextReader` that reads the contexts asked for close together in one statement (a group of
 * events started at once: `createTurnBatcher`, `readEventContexts`); one asked alone is read as before
 * (`readEventContext`). Nothing is kept between batches, so nothing can go stale.
 */
export function createEventContextReader(db: Database): EventContextReader {
  // A read that throws rejects the whole batch: createTurnBatcher rejects every call when `run` rejects.
  return createTurnBatcher<EventContextKey, EventContext | undefined>(async (batch) => {
    if (batch.length === 1) {
      const [only] = batch as [(typeof batch)[number]];
      only.resolve(await readEventContext(db, only.input));
      return;
    }
    const contexts = await readEventContexts(
      db,
      batch.map(({ input }) => input),
    );
    batch.forEach(({ resolve }, i) => resolve(contexts[i]));
  });
}

export type OpenQuestionKey = { brandId: string; memberId: string };

/** Reads a member's open proof question; the webhook worker's reads several in one statement. */
export type OpenQuestionReader = (key: OpenQuestionKey) => Promise<ProofQuestion | undefined>;

/**
 * An `OpenQuestionReader` that reads the questions asked for close together in one statement per brand
 * (`createTurnBatcher`): the events a claim started together then reach their proofs together, so the
 * proofs can be taken in together (`createChatProofSubmitter`). One asked alone is read as before.
 */
export function createOpenQuestionReader(db: Database): OpenQuestionReader {
  const questions = createProofQuestionsRepository({ db });
  return createTurnBatcher<OpenQuestionKey, ProofQuestion | undefined>(async (batch) => {
    if (batch.length === 1) {
      const [only] = batch as [(typeof batch)[number]];
      only.resolve(await questions.findOpen(only.input));
      return;
    }
    const brandIds = [...new Set(batch.map(({ input }) => input.brandId))];
    const open = new Map<string, ProofQuestion>();
    for (const brandId of brandIds) {
      const memberIds = batch
        .filter(({ input }) => input.brandId === brandId)
        .map(({ input }) => input.memberId);
      for (const row of await questions.findOpenMany({ brandId, memberIds: [...new Set(memberIds)] }))
        open.set(`${row.brandId}\n${row.memberId}`, row);
    }
    for (const { input, resolve } of batch) resolve(open.get(`${input.brandId}\n${input.memberId}`));
  });
}

export type SeenProofKey = { brandId: string; sourceRef: string };

/** Reads the submission an event stored (by its `sourceRef`), if any; the webhook worker's reads several at once. */
export type SeenProofReader = (key: SeenProofKey) => Promise<Submission | undefined>;

/**
 * A `SeenProofReader` that reads the submissions asked for close together in one statement per brand
 * (`createTurnBatcher`, `findBySourceRefs`): a group of typed proofs started together costs one read, as
 * when the intake read them together. One asked alone is read as before (`findBySourceRef`).
 */
export function createSeenProofReader(db: Database): SeenProofReader {
  const repository = createSubmissionsRepository({ db });
  return createTurnBatcher<SeenProofKey, Submission | undefined>(async (batch) => {
    if (batch.length === 1) {
      const [only] = batch as [(typeof batch)[number]];
      only.resolve(await repository.findBySourceRef(only.input));
      return;
    }
    const found = new Map<string, Submission>();
    for (const brandId of new Set(batch.map(({ input }) => input.brandId))) {
      const sourceRefs = batch
        .filter(({ input }) => input.brandId === brandId)
        .map(({ input }) => input.sourceRef);
      for (const row of await repository.findBySourceRefs({ brandId, sourceRefs: [...new Set(sourceRefs)] }))
        found.set(`${row.brandId}\n${row.sourceRef}`, row);
    }
    for (const { input, resolve } of batch) resolve(found.get(`${input.brandId}\n${input.sourceRef}`));
  });
}

/**
 * The member who wrote: a known one as read (their activity is recorded with the answer, in its
 * transaction: `known`), a new one stored now with their LINE profile (their id is needed before).
 */
export async function ensureMember(
  deps: ConversationDeps,
  {
    event,
    channel,
    existing,
    userId,
    brandLocale,
  }: {
    event: WebhookEvent;
    channel: LineChannel;
    /** The member as `readEventContext` found them. */
    existing: Member | undefined;
    userId: string;
    brandLocale: Locale;
  },
): Promise<{ member: Member; known: boolean; created: boolean }> {
  if (existing) return { member: { ...existing, channelId: channel.id }, known: true, created: false };
  // Someone who befriended the account before Proofline ran: the profile gives name and language.
  return {
    ...(await storeMemberWithProfile(deps, { event, channel, userId, brandLocale, followedAt: undefined })),
    known: false,
  };
}

/** The member `userId` stored (or updated) as following, with their LINE profile's name and language. */
export async function storeMemberWithProfile(
  deps: ConversationDeps,
  {
    event,
    channel,
    userId,
    brandLocale,
    followedAt,
  }: {
    event: WebhookEvent;
    channel: LineChannel;
    userId: string;
    brandLocale: Locale;
    followedAt: Date | undefined;
  },
): Promise<{ member: Member; created: boolean }> {
  const profile = await deps.messenger.getProfile(credentialsOf(channel), userId);
  const upsert =
    deps.upsertMember ??
    createMembersRepository({ db: deps.db, generateId: deps.generateId }).upsertFollowingMember;
  return upsert({
    brandId: event.brandId,
    channelId: channel.id,
    lineUserId: userId,
    displayName: profile?.displayName,
    pictureUrl: profile?.pictureUrl,
    locale: localeFromLineLanguage(profile?.language, brandLocale),
    followedAt,
    now: deps.clock.now(),
  });
}

/** Stores a member as following with their profile (`upsertFollowingMember`); the webhook worker's batch. */
export type MemberUpserter = (input: FollowingMemberInput) => Promise<{ member: Member; created: boolean }>;

/**
 * A `MemberUpserter` that stores the members asked for close together in one statement (the new members
 * of a group of events started at once: `createTurnBatcher`, `upsertFollowingMembers`); one asked alone,
 * or a batch naming someone twice, as before (one statement each).
 */
export function createMemberUpserter(db: Database, generateId: IdGenerator): MemberUpserter {
  const repository = createMembersRepository({ db, generateId });
  return createTurnBatcher<FollowingMemberInput, { member: Member; created: boolean }>(async (batch) => {
    const keys = new Set(batch.map(({ input }) => `${input.brandId}\n${input.lineUserId}`));
    if (batch.length === 1 || keys.size < batch.length) {
      for (const { input, resolve } of batch) resolve(await repository.upsertFollowingMember(input));
      return;
    }
    const results = await repository.upsertFollowingMembers(batch.map(({ input }) => input));
    batch.forEach(({ resolve }, i) => resolve(results[i] as { member: Member; created: boolean }));
  });
}

export function credentialsOf(channel: LineChannel) {
  return { lineChannelId: channel.lineChannelId, channelAccessToken: channel.channelAccessToken };
}
