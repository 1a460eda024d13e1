import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/database.js';
import { isLocale } from '../i18n/index.js';
import { enqueuePush } from '../messaging/index.js';
import { getPointsBalance } from '../rewards/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { SubmissionDecision } from '../submissions/index.js';
import { surveyPromptFor } from './conversations.surveys.js';
import type { AnswerRenderer, ProofAnswer } from './conversations.types.js';

type LaterDecisionRow = {
  id: string;
  brand_id: string;
  member_id: string;
  state: string;
  decision: SubmissionDecision | null;
  reason_code: string | null;
  locale: string;
  timezone: string;
  liff_id: string | null;
};

/**
 * A proof sent in the chat that was answered "waiting for the platform" or "in review" and decided
 * afterwards (batch verification, a reviewer) gets one push with the decision. Which answers said so is
 * stored with them (`awaits_decision`), never read from clocks (a decision's time read before a slow
 * commit, or on another host, says nothing about what the member was told); the push's dedupe key
 * `decision:<submission id>` makes it once, whoever runs this and however often.
 */
export async function notifyLaterDecisions(
  {
    db,
    clock,
    generateId,
    render,
  }: { db: Database; clock: Clock; generateId: IdGenerator; render: AnswerRenderer },
  { limit = 50 }: { limit?: number } = {},
): Promise<{ queued: number }> {
  const rows = await queryRows<LaterDecisionRow>(
    db,
    sql`select s.id, s.brand_id, s.member_id, s.state, s.decision, s.reason_code, m.locale, b.timezone, c.liff_id
        from submissions s
        join outbound_messages o on o.brand_id = s.brand_id and o.dedupe_key = 'event:' || substr(s.source_ref, 6)
        join members m on m.id = s.member_id
        join brands b on b.id = s.brand_id
        left join line_channels c on c.id = o.channel_id
        where s.channel = 'chat' and s.source_ref like 'line:%'
          and s.state in ('accepted', 'rewarded', 'rejected')
          and o.awaits_decision
          and m.following
          and not exists (select 1 from outbound_messages d
                          where d.brand_id = s.brand_id and d.dedupe_key = 'decision:' || s.id)
        order by s.decided_at
        limit ${limit}`,
  );
  let queued = 0;
  for (const row of rows) {
    const answer = await laterAnswer(db, row);
    const messages = render(answer, {
      locale: isLocale(row.locale) ? row.locale : 'en',
      liffId: row.liff_id ?? undefined,
      timezone: row.timezone,
    });
    const result = await enqueuePush({
      db,
      generateId,
      now: clock.now(),
      brandId: row.brand_id,
      memberId: row.member_id,
      dedupeKey: `decision:${row.id}`,
      messages,
    });
    if (result.status === 'queued' && result.created) queued++;
  }
  return { queued };
}

async function laterAnswer(db: Database, row: LaterDecisionRow): Promise<ProofAnswer> {
  const decision = row.decision ?? undefined;
  if (row.state === 'rejected') {
    const failed = (decision?.verdicts ?? [])
      .filter((verdict) => !verdict.passed)
      .map((verdict) => ({ key: verdict.reasonKey, params: verdict.params ?? {} }));
    return {
      kind: 'proof',
      outcome: 'rejected',
      later: true,
      reasons: failed.length > 0 ? failed : row.reason_code ? [{ key: row.reason_code, params: {} }] : [],
    };
  }
  // Accepted later: the survey due for the proof comes with the news, as it would have at once.
  const survey = await surveyPromptFor(db, {
    brandId: row.brand_id,
    memberId: row.member_id,
    submissionId: row.id,
  });
  return {
    kind: 'proof',
    outcome: 'accepted',
    later: true,
    pointsEarned: decision?.granted?.pointsEarned ?? decision?.rewards?.points ?? 0,
    entries: decision?.granted?.entriesAdded ?? decision?.rewards?.entries ?? 0,
    balance: await getPointsBalance(db, { brandId: row.brand_id, memberId: row.member_id }),
    ...(survey ? { survey } : {}),
    ...(decision?.heldFor === 'registration' ? { heldForRegistration: true } : {}),
    ...(decision?.granted?.instantPlayId ? { instantPlay: true } : {}),
  };
}
