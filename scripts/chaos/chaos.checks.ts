import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../core/db/database.js';

/** What the LINE simulator received from the bot (its timeline's bot entries). */
export type DeliveredMessage = { userId: string; via: string; messages: unknown };

export type ChaosCounts = {
  events: { sent: number; stored: number; done: number; parked: number; parkedWithoutReason: number };
  proofs: Record<string, number>;
  submissions: Record<string, number>;
  rewards: { rewardedProofs: number; earnRows: number; pointsGranted: number; pointsInLedger: number };
  answers: {
    queued: number;
    sent: number;
    parked: number;
    parkedWithoutReason: number;
    receivedAtLine: number;
    byReply: number;
    byPush: number;
    replyUnknown: number;
  };
  receiptImages: number;
};

export type ChaosFindings = { counts: ChaosCounts; problems: string[] };

/** JSON with sorted keys: jsonb does not keep the order LINE's body had. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value as Record<string, unknown>)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * The round's verdict, read from the database and the LINE simulator: every event stored and processed
 * once, every accepted proof rewarded once, every answer delivered once, nothing parked without a reason.
 */
export async function checkChaosRound(
  db: Database,
  {
    sentEventIds,
    proofKinds,
    delivered,
  }: { sentEventIds: string[]; proofKinds: Record<string, number>; delivered: DeliveredMessage[] },
): Promise<ChaosFindings> {
  const problems: string[] = [];
  const problem = (what: string, items: unknown[]) => {
    if (items.length > 0)
      problems.push(`${what}: ${items.length} (${items.slice(0, 5).map(String).join(', ')})`);
  };

  // Events: stored once each, processed to the end or parked with a reason.
  const events = await queryRows<{ id: string; state: string; copies: number; reasonless: number }>(
    db,
    sql`select webhook_event_id as id, min(state) as state, count(*)::int as copies,
               count(*) filter (where state = 'failed' and last_error is null)::int as reasonless
        from webhook_events group by webhook_event_id`,
  );
  const byId = new Map(events.map((row) => [row.id, row]));
  problem(
    'events LINE delivered but never stored',
    sentEventIds.filter((id) => !byId.has(id)),
  );
  problem(
    'events stored twice',
    events.filter((row) => row.copies > 1).map((row) => row.id),
  );
  problem(
    'events never finished',
    events.filter((row) => row.state !== 'done' && row.state !== 'failed').map((row) => row.id),
  );
  problem(
    'events parked without a reason',
    events.filter((row) => row.reasonless > 0).map((row) => row.id),
  );

  // Proofs: one submission per source, one stored photo per source.
  const sources = await queryRows<{ ref: string }>(
    db,
    sql`select source_ref as ref from submissions where source_ref is not null
        group by source_ref having count(*) > 1`,
  );
  problem(
    'proofs stored twice',
    sources.map((row) => row.ref),
  );
  const photos = await queryRows<{ ref: string | null; copies: number }>(
    db,
    sql`select source_ref as ref, count(*)::int as copies from receipt_images group by source_ref`,
  );
  problem(
    'photos stored twice for one event',
    photos.filter((row) => row.ref !== null && row.copies > 1).map((row) => row.ref),
  );
  problem(
    'photos stored without the event that sent them',
    photos.filter((row) => row.ref === null).map(() => 'receipt_images.source_ref is null'),
  );
  const states = await queryRows<{ state: string; n: number }>(
    db,
    sql`select state, count(*)::int as n from submissions group by state order by state`,
  );
  const waitingWithoutReason = await queryRows<{ id: string }>(
    db,
    sql`select id from submissions where state in ('received', 'parsed', 'awaiting_upload')
          and next_check_at is null`,
  );
  problem(
    'proofs waiting with no next check',
    waitingWithoutReason.map((row) => row.id),
  );

  // Rewards: each accepted proof earns once, and the ledger holds what the decisions granted.
  const rewards = await queryRows<{ id: string; granted: number; earn_rows: number; earned: number }>(
    db,
    sql`select s.id,
               coalesce((s.decision -> 'granted' ->> 'pointsEarned')::int, 0) as granted,
               count(l.id)::int as earn_rows,
               coalesce(sum(l.points), 0)::int as earned
        from submissions s
        left join points_ledger l on l.submission_id = s.id and l.kind = 'earn'
        where s.state = 'rewarded'
        group by s.id`,
  );
  problem(
    'accepted proofs rewarded more than once',
    rewards.filter((row) => row.earn_rows > 1).map((row) => row.id),
  );
  problem(
    'accepted proofs whose points never reached the ledger',
    rewards.filter((row) => row.granted > 0 && row.earn_rows === 0).map((row) => row.id),
  );
  problem(
    'accepted proofs whose ledger differs from the decision',
    rewards.filter((row) => row.earn_rows === 1 && row.earned !== row.granted).map((row) => row.id),
  );
  const strayEarn = await queryRows<{ id: string }>(
    db,
    sql`select l.id from points_ledger l join submissions s on s.id = l.submission_id
        where l.kind = 'earn' and s.state not in ('accepted', 'rewarded', 'reversed')`,
  );
  problem(
    'points earned by proofs that were not accepted',
    strayEarn.map((row) => row.id),
  );

  // Answers: every event answered once; LINE received each sent message once.
  const outbound = await queryRows<{
    dedupe_key: string;
    to_user_id: string | null;
    messages: unknown;
    state: string;
    delivered_as: string | null;
    last_error: string | null;
  }>(
    db,
    sql`select dedupe_key, to_user_id, messages, state, delivered_as, last_error from outbound_messages
        where kind in ('reply', 'push')`,
  );
  const answered = new Map<string, number>();
  for (const row of outbound) {
    if (!row.dedupe_key.startsWith('event:')) continue;
    const eventId = row.dedupe_key.split(':').at(-1) as string;
    answered.set(eventId, (answered.get(eventId) ?? 0) + 1);
  }
  const answerable = sentEventIds.filter((id) => byId.get(id)?.state === 'done');
  problem(
    'events done but never answered',
    answerable.filter((id) => !answered.has(id)),
  );
  problem(
    'events answered twice',
    [...answered].filter(([, n]) => n > 1).map(([id]) => id),
  );
  const key = (userId: string | null, messages: unknown) => `${userId}|${canonical(messages)}`;
  const atLine = new Map<string, number>();
  for (const message of delivered) {
    const k = key(message.userId, message.messages);
    atLine.set(k, (atLine.get(k) ?? 0) + 1);
  }
  const expected = new Map<string, { sent: number; unknown: number }>();
  for (const row of outbound) {
    const k = key(row.to_user_id, row.messages);
    const entry = expected.get(k) ?? { sent: 0, unknown: 0 };
    if (row.state === 'sent') entry.sent += 1;
    else entry.unknown += 1; // failed (reply of unknown outcome) or still pending: LINE may have it
    expected.set(k, entry);
  }
  problem(
    'messages LINE received more often than they were sent',
    [...atLine]
      .filter(([k, n]) => n > (expected.get(k)?.sent ?? 0) + (expected.get(k)?.unknown ?? 0))
      .map(([k]) => k.slice(0, 60)),
  );
  problem(
    'messages recorded as sent that LINE never received',
    [...expected].filter(([k, e]) => (atLine.get(k) ?? 0) < e.sent).map(([k]) => k.slice(0, 60)),
  );
  problem(
    'answers parked without a reason',
    outbound.filter((row) => row.state === 'failed' && !row.last_error).map((row) => row.dedupe_key),
  );
  problem(
    'answers never sent nor parked',
    outbound.filter((row) => row.state === 'pending').map((row) => row.dedupe_key),
  );

  const count = <T>(rows: T[], test: (row: T) => boolean) => rows.filter(test).length;
  return {
    problems,
    counts: {
      events: {
        sent: sentEventIds.length,
        stored: events.length,
        done: count(events, (row) => row.state === 'done'),
        parked: count(events, (row) => row.state === 'failed'),
        parkedWithoutReason: count(events, (row) => row.reasonless > 0),
      },
      proofs: proofKinds,
      submissions: Object.fromEntries(states.map((row) => [row.state, row.n])),
      rewards: {
        rewardedProofs: rewards.length,
        earnRows: rewards.reduce((sum, row) => sum + row.earn_rows, 0),
        pointsGranted: rewards.reduce((sum, row) => sum + row.granted, 0),
        pointsInLedger: rewards.reduce((sum, row) => sum + row.earned, 0),
      },
      answers: {
        queued: outbound.length,
        sent: count(outbound, (row) => row.state === 'sent'),
        parked: count(outbound, (row) => row.state === 'failed'),
        parkedWithoutReason: count(outbound, (row) => row.state === 'failed' && !row.last_error),
        receivedAtLine: delivered.length,
        byReply: count(delivered, (row) => row.via === 'reply'),
        byPush: count(delivered, (row) => row.via === 'push'),
        replyUnknown: count(outbound, (row) => row.delivered_as === 'reply_unknown'),
      },
      receiptImages: photos.reduce((sum, row) => sum + row.copies, 0),
    },
  };
}
