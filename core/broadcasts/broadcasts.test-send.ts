import { randomUUID } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { auditLog, recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import { brandChannelOf, lockVerifiedLineUser } from '../console-line/index.js';
import { queryRows, type Database } from '../db/database.js';
import type { LineMessenger } from '../messaging/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { createBroadcastTestRateLimitedError } from './broadcasts.errors.js';
import { fillPlaceholders, messagesFor } from './broadcasts.models.js';
import type { TestSendInput } from './broadcasts.schemas.js';

/** At most this many test sends per console user and brand in any hour. */
export const TEST_SENDS_PER_HOUR = 10;
const TEST_SENT_ACTION = 'broadcast.test_sent';

/**
 * "Send a test to me": the composed messages, in the version for the sender's language, with the
 * placeholders filled, pushed to the sender's own verified LINE account. Not a broadcast: no recipient,
 * chunk or quota reservation, links are not tracked. Audited, and at most TEST_SENDS_PER_HOUR an hour
 * (the link row is locked while counting, so two at once cannot both pass the limit).
 */
export async function sendTestBroadcast(
  deps: { db: Database; clock: Clock; generateId: IdGenerator; messenger: Pick<LineMessenger, 'push'> },
  { actor, name, input }: { actor: ConsoleAuditActor; name: string; input: TestSendInput },
): Promise<{ lineUserId: string; locale: string; sentThisHour: number; limit: number }> {
  const channel = await brandChannelOf(deps.db, actor.brandId);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const lineUserId = await lockVerifiedLineUser(tx, actor);
    const [{ sent } = { sent: 0 }] = await tx
      .select({ sent: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.brandId, actor.brandId),
          eq(auditLog.actorId, actor.userId),
          eq(auditLog.action, TEST_SENT_ACTION),
          gt(auditLog.createdAt, new Date(now.getTime() - 3_600_000)),
        ),
      );
    if (sent >= TEST_SENDS_PER_HOUR) throw createBroadcastTestRateLimitedError();
    // The sender as a member of the brand (their language, name and points), when they are one.
    const [member] = await queryRows<{ locale: string; display_name: string | null; points: number }>(
      tx,
      sql`select m.locale, m.display_name,
            (select coalesce(sum(p.points), 0)::int from points_ledger p where p.member_id = m.id) as points
          from members m where m.brand_id = ${actor.brandId} and m.line_user_id = ${lineUserId}
            and m.erased_at is null limit 1`,
    );
    const locale = member?.locale ?? input.locale ?? 'en';
    const messages = fillPlaceholders(
      messagesFor({ key: 'test', messages: input.messages, languages: input.languages ?? {} }, locale),
      { displayName: member?.display_name ?? name, points: member?.points ?? 0 },
    );
    await deps.messenger.push(channel, { to: lineUserId, messages, retryKey: randomUUID() });
    await recordConsoleAction(tx, deps, actor, {
      action: TEST_SENT_ACTION,
      targetType: 'console_user',
      targetId: actor.userId,
      data: { lineUserId, locale, messages: messages.length },
    });
    return { lineUserId, locale, sentThisHour: sent + 1, limit: TEST_SENDS_PER_HOUR };
  });
}
