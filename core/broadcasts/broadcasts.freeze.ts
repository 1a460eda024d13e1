import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/database.js';
import { foldPendingFacts } from '../fact-outbox/index.js';
import {
  exclusionReasonSql,
  matchingMembersWhere,
  type ConditionContext,
  type SegmentCondition,
} from '../segments/index.js';
import {
  assignGroups,
  fillPlaceholders,
  generateLinkToken,
  hasPlaceholders,
  linksIn,
  messagesFor,
  rewriteLinks,
  splitIntoChunks,
} from './broadcasts.models.js';
import type {
  createBroadcastsRepository,
  Broadcast,
  FrozenRecipient,
  NewChunk,
  NewLink,
} from './broadcasts.repository.js';
import type { BroadcastVariant } from './broadcasts.table.js';

/**
 * The freeze of a broadcast's recipients when its send starts: every member its condition selects, each
 * with why they cannot be sent it (blocked, no consent, over the frequency cap) or not; the rest split into
 * variants and the holdout, and into chunks of at most 500, each with its retry key stored before the
 * first attempt. `startBroadcast` runs it in the transaction that locks the broadcast.
 */

export type Candidate = {
  memberId: string;
  lineUserId: string;
  locale: string;
  displayName: string;
  reason: 'blocked' | 'no_consent' | 'capped' | null;
};

/**
 * Every member the condition selects, with why they cannot be sent this broadcast (or null). The brand's
 * cap counts the marketing messages sent (or being sent) to the member within its days; 0 turns it off.
 * Its numbers are parameters of the query.
 *
 * Set-based: the brand's recent deliveries are grouped by member once (a range of
 * `broadcast_recipients_brand_created_idx`) into the set of capped members — one jsonb object, an
 * uncorrelated InitPlan, looked up per member (a binary search) — not counted by a subquery per member;
 * a join would leave the plan to statistics a freshly written table lacks (a nested loop on PGlite:
 * docs/decisions/011, "Freezing recipients").
 */
export async function loadCandidates(
  db: Database,
  condition: SegmentCondition,
  ctx: ConditionContext,
  cap: { messages: number; days: number },
) {
  const capSince = new Date(ctx.now.getTime() - cap.days * 86_400_000);
  // The audience is chosen on member facts that include every committed proof: the whole backlog folded
  // (one fold lock per chunk), not a reader's bounded share — a sent broadcast cannot be taken back.
  await foldPendingFacts(db, { maxChunks: Number.POSITIVE_INFINITY });
  const rows = await queryRows<{
    id: string;
    line_user_id: string;
    locale: string;
    display_name: string | null;
    reason: Candidate['reason'];
  }>(
    db,
    sql`select m.id, m.line_user_id, m.locale, m.display_name,
          coalesce(${exclusionReasonSql(ctx.country)},
            case when ${cap.messages} > 0 and coalesce((
                select jsonb_object(array_agg(c.member_id), array_agg(''::text)) from (
                  select r.member_id from broadcast_recipients r
                  where r.brand_id = ${ctx.brandId} and r.created_at >= ${capSince}
                    and r.status in ('pending', 'sent')
                  group by r.member_id having count(*) >= ${cap.messages}) c), '{}'::jsonb) ? m.id
              then 'capped' end) as reason
        from members m
        where ${matchingMembersWhere(condition, ctx)} order by m.id`,
  );
  return rows.map((row): Candidate => ({
    memberId: row.id,
    lineUserId: row.line_user_id,
    locale: row.locale,
    displayName: row.display_name ?? '',
    reason: row.reason,
  }));
}

/**
 * The chunks: recipients grouped by the exact messages they get (variant × language), ≤ 500 per chunk.
 * Messages with `{displayName}` / `{points}`, or with links to track, are personal: those go one member
 * per request, each with the member's own `/r/:token` links.
 */
async function buildChunks(
  repository: ReturnType<typeof createBroadcastsRepository>,
  {
    broadcast,
    variants,
    grouped,
    linkBase,
  }: {
    broadcast: Broadcast;
    variants: BroadcastVariant[];
    grouped: (Candidate & { groupKey: string })[];
    linkBase: string | undefined;
  },
) {
  const groups = new Map<string, { messages: Record<string, unknown>[]; members: Candidate[] }>();
  for (const recipient of grouped) {
    const variant = variants.find((candidate) => candidate.key === recipient.groupKey);
    if (!variant) continue; // holdout
    const language = variant.languages[recipient.locale] ? recipient.locale : 'default';
    const key = `${variant.key}|${language}`;
    const group = groups.get(key) ?? { messages: messagesFor(variant, recipient.locale), members: [] };
    group.members.push(recipient);
    groups.set(key, group);
  }
  const chunks: NewChunk[] = [];
  const chunkOf = new Map<string, number>();
  const links: Omit<NewLink, 'createdAt'>[] = [];
  const linkNos = new Map<string, number>();
  const add = (members: Candidate[], messages: Record<string, unknown>[]) => {
    const chunkNo = chunks.length + 1;
    for (const member of members) chunkOf.set(member.memberId, chunkNo);
    chunks.push({
      id: `${broadcast.id.replace(/^bct_/, 'bch_')}_${chunkNo}`,
      brandId: broadcast.brandId,
      broadcastId: broadcast.id,
      chunkNo,
      lineUserIds: members.map((member) => member.lineUserId),
      messages,
      // Stored before the first attempt: every attempt, by any worker, sends this key and body.
      retryKey: randomUUID(),
      state: 'pending',
    });
  };
  const track = (member: Candidate, messages: Record<string, unknown>[]) =>
    rewriteLinks(messages, (url) => {
      const linkNo = linkNos.get(url) ?? linkNos.size + 1;
      linkNos.set(url, linkNo);
      const token = generateLinkToken();
      links.push({
        token,
        brandId: broadcast.brandId,
        broadcastId: broadcast.id,
        memberId: member.memberId,
        linkNo,
        url,
      });
      return `${linkBase!.replace(/\/+$/, '')}/r/${token}`;
    });
  for (const { messages, members } of [...groups.values()].sort((a, b) =>
    (a.members[0]?.memberId ?? '') < (b.members[0]?.memberId ?? '') ? -1 : 1,
  )) {
    const tracked = linkBase !== undefined && linksIn(messages).length > 0;
    if (hasPlaceholders(messages) || tracked) {
      const points = hasPlaceholders(messages)
        ? await repository.pointsOf(members.map((member) => member.memberId))
        : new Map<string, number>();
      for (const member of [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
        const filled = fillPlaceholders(messages, {
          displayName: member.displayName,
          points: points.get(member.memberId) ?? 0,
        });
        add([member], tracked ? track(member, filled) : filled);
      }
    } else
      for (const slice of splitIntoChunks([...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))))
        add(slice, messages);
  }
  return { chunks, chunkOf, links };
}

/**
 * Writes the frozen recipients of `broadcast` (the skipped ones with their reason, the holdout, and each
 * other member with its chunk), its chunks and its tracked links, in the caller's transaction. Returns the
 * number of chunks, the recipients to send to (not the holdout) and the skips by reason.
 */
export async function freezeRecipients(
  repository: ReturnType<typeof createBroadcastsRepository>,
  {
    broadcast,
    candidates,
    now,
    linkBase,
  }: { broadcast: Broadcast; candidates: Candidate[]; now: Date; linkBase: string | undefined },
): Promise<{ chunks: number; recipients: number; skipped: Record<string, number> }> {
  const toMessage = candidates.filter((candidate) => candidate.reason === null);
  const variants = broadcast.variants ?? [{ key: 'A', messages: broadcast.messages, languages: {} }];
  const grouped = assignGroups(broadcast.id, toMessage, {
    variantKeys: variants.map((variant) => variant.key),
    holdoutPercent: broadcast.holdoutPercent,
  });
  const { chunks, chunkOf, links } = await buildChunks(repository, {
    broadcast,
    variants,
    grouped,
    linkBase,
  });
  const skipped: Record<string, number> = { blocked: 0, no_consent: 0, capped: 0, quiet_hours: 0 };
  const recipients: FrozenRecipient[] = [];
  for (const candidate of candidates)
    if (candidate.reason !== null) {
      skipped[candidate.reason] = (skipped[candidate.reason] ?? 0) + 1;
      recipients.push({
        memberId: candidate.memberId,
        lineUserId: candidate.lineUserId,
        groupKey: 'skipped',
        status: 'skipped',
        skipReason: candidate.reason,
      });
    }
  for (const recipient of grouped)
    recipients.push({
      memberId: recipient.memberId,
      lineUserId: recipient.lineUserId,
      groupKey: recipient.groupKey,
      chunkNo: chunkOf.get(recipient.memberId) ?? null,
      status: recipient.groupKey === 'holdout' ? 'held_out' : 'pending',
    });
  await repository.insertRecipients(
    { brandId: broadcast.brandId, broadcastId: broadcast.id, createdAt: now },
    recipients,
  );
  await repository.insertChunks(chunks);
  await repository.insertLinks(links.map((link) => ({ ...link, createdAt: now })));
  return {
    chunks: chunks.length,
    recipients: grouped.filter((recipient) => recipient.groupKey !== 'holdout').length,
    skipped,
  };
}
