import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import type { Services } from '../../core/app/build-services.js';
import type { ConversationDeps, StagedAnswer } from '../../core/conversations/index.js';
import { createWebhookLanes, type WebhookEvent } from '../../core/events/index.js';
import { webhookAnswering } from '../../jobs/webhook-events.job.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import {
  createLineTestKit,
  greenTeaInvoices,
  rocDate,
  taipeiDaysAgo,
  type LineTestKit,
} from './line-test-kit.js';

const PURCHASE_DATE = taipeiDaysAgo(1);
const userIdOf = (i: number) => `U${'0'.repeat(28)}${(0xf000 + i).toString(16)}`;
const invoiceNumberOf = (i: number) => `AG${String(10_000_000 + i)}`;
const MEMBERS = 12;
/** The one member who speaks Thai. */
const THAI = 8;

/**
 * The webhook worker commits the events handled together as one group (one transaction, multi-row
 * writes) and sends the group's answers side by side. One bad event of a group must cost the others
 * nothing: each of them is answered once, and the bad one, tried again, once too.
 */
describe('answers committed and sent in groups (issue 17)', () => {
  let kit: LineTestKit;
  /** Users whose next handling throws, whose next reply fails. */
  const throwIn = { handle: new Set<string>(), reply: new Set<string>() };
  /** How many more renderings of the Thai member's answers throw. */
  let thaiRenderFailures = 0;
  /** How many answers each group write was given. */
  const groupSizes: number[] = [];

  /** The worker's lanes with every member's event released together once all were handled (one group). */
  const lanesFor = (count: number) => {
    const base = kit.conversation;
    const conversation: ConversationDeps = {
      ...base,
      submitProof: async (command) => {
        const userId = userOfMember.get(command.memberId);
        if (userId && throwIn.handle.delete(userId)) throw new Error('the proof store is down');
        return base.submitProof(command);
      },
      // The renderer is not told whom it renders for: the member who fails it is the one speaking Thai.
      render: (answer, context) => {
        if (context.locale === 'th' && thaiRenderFailures-- > 0) throw new Error('cannot render');
        return base.render(answer, context);
      },
      messenger: {
        ...base.messenger,
        reply: async (credentials, request) => {
          const userId = replyTokens.get(request.replyToken);
          if (userId && throwIn.reply.delete(userId)) throw new Error('socket hang up');
          return base.messenger.reply(credentials, request);
        },
      },
    };
    const answering = webhookAnswering(kit.services as Services, { conversation, leaseMs: undefined });
    let handled = 0;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    return createWebhookLanes(
      {
        db: kit.services.database.db,
        generateId: kit.services.generateId,
        clock: kit.services.clock,
        logger: kit.services.logger,
      },
      {
        ...answering,
        handle: async (event: WebhookEvent) => {
          const payload = event.payload as { replyToken?: string };
          if (payload.replyToken && event.lineUserId) replyTokens.set(payload.replyToken, event.lineUserId);
          try {
            return await answering.handle(event);
          } finally {
            if (++handled === count) release();
            await released;
          }
        },
        writeGroup: async (tx, staged: StagedAnswer[]) => {
          groupSizes.push(staged.length);
          return answering.writeGroup(tx, staged);
        },
        lanes: count,
        answerLanes: 0,
      },
    );
  };
  const userOfMember = new Map<string, string>();
  const replyTokens = new Map<string, string>();

  beforeAll(async () => {
    kit = await createLineTestKit({ invoices: greenTeaInvoices(MEMBERS, invoiceNumberOf, PURCHASE_DATE) });
    for (let i = 0; i < MEMBERS; i++) {
      await kit.addUser(userIdOf(i), { displayName: `member ${i}`, language: i === THAI ? 'th' : 'en' });
      // Known members: their first message stored them.
      await kit.userSends(userIdOf(i), { type: 'text', text: 'help' });
    }
    await kit.drain();
    const rows = await queryRows<{ id: string; line_user_id: string }>(
      kit.services.database.db,
      sql`select id, line_user_id from members`,
    );
    for (const row of rows) userOfMember.set(row.id, row.line_user_id);
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await kit?.close();
  });

  /** Every bot message to `userId` after the first `skip`. */
  const answersTo = async (userId: string, skip: number) => (await kit.botMessages(userId)).slice(skip);
  const eventRows = async (webhookEventIds: string[]) =>
    queryRows<{ state: string; attempts: number }>(
      kit.services.database.db,
      sql`select state, attempts from webhook_events
           where webhook_event_id in (${sql.join(webhookEventIds, sql`, `)}) order by received_at`,
    );
  /** Makes what failed due now (the event's and the message's back-off), instead of waiting seconds. */
  const dueNow = async () => {
    await queryRows(
      kit.services.database.db,
      sql`update webhook_events set next_attempt_at = now() where state = 'pending' returning id`,
    );
    await queryRows(
      kit.services.database.db,
      sql`update outbound_messages set next_attempt_at = now() where state = 'pending' returning id`,
    );
  };

  test(
    "when one event of a group throws and another one's reply fails, then the group commits once, every other member is answered once, and the two are answered once when tried again",
    async () => {
      // Arrange: six members send at once; member 0's proof cannot be stored, member 1's reply fails.
      const users = [0, 1, 2, 3, 4, 5].map(userIdOf);
      const before = await Promise.all(users.map(async (userId) => (await kit.botMessages(userId)).length));
      throwIn.handle.add(users[0] as string);
      throwIn.reply.add(users[1] as string);
      const sent: string[] = [];
      for (const [i, userId] of users.entries())
        sent.push(
          (
            await kit.userSends(userId, {
              type: 'text',
              text: i === 0 ? `${invoiceNumberOf(0)} ${rocDate(PURCHASE_DATE)} 1234` : 'help',
            })
          ).webhookEventId,
        );
      groupSizes.length = 0;

      // Act 1: one pass of the worker's lanes, all six in flight, released together.
      await lanesFor(users.length).runUntilIdle();
      const firstPass = await Promise.all(users.map((userId, i) => answersTo(userId, before[i] as number)));
      const groupsInFirstPass = [...groupSizes];

      // Act 2: the thrown event and the failed message are tried again.
      await dueNow();
      await lanesFor(1).runUntilIdle();
      await kit.outbound.runOnce();
      const after = await Promise.all(users.map((userId, i) => answersTo(userId, before[i] as number)));

      // Assert: the five handled were committed as one group; the failed reply and the thrown event
      // were not answered in that pass; in the end everyone has exactly one answer.
      expect(groupsInFirstPass).toEqual([5]);
      expect(firstPass.map((answers) => answers.length)).toEqual([0, 0, 1, 1, 1, 1]);
      expect(after.map((answers) => answers.length)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(after[0]?.[0]?.via).toBe('reply');
      const events = await eventRows(sent);
      expect(events.map((row) => row.state)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
      expect(events.map((row) => row.attempts)).toEqual([2, 1, 1, 1, 1, 1]);
      const [messages] = await queryRows<{ n: number; sent: number }>(
        kit.services.database.db,
        sql`select count(*)::int as n, count(*) filter (where state = 'sent')::int as sent
              from outbound_messages o join members m on m.id = o.member_id
             where m.line_user_id in (${sql.join(users, sql`, `)}) and o.dedupe_key like 'event:%'`,
      );
      expect(messages).toEqual({ n: 12, sent: 12 });
    },
    HANG_GUARD_MS,
  );

  test(
    "when one event fails inside the group's transaction, then nothing of the group is lost: each other member is answered once, and the bad one once when tried again",
    async () => {
      // Arrange: six more members send at once; the rendering of member 8's answer throws (in the commit).
      const users = [6, 7, 8, 9, 10, 11].map(userIdOf);
      const before = await Promise.all(users.map(async (userId) => (await kit.botMessages(userId)).length));
      // In the group's transaction, and again in its own.
      thaiRenderFailures = 2;
      const sent: string[] = [];
      for (const userId of users)
        sent.push((await kit.userSends(userId, { type: 'text', text: 'help' })).webhookEventId);
      groupSizes.length = 0;

      // Act 1
      await lanesFor(users.length).runUntilIdle();
      const firstPass = await Promise.all(users.map((userId, i) => answersTo(userId, before[i] as number)));
      const groupsInFirstPass = [...groupSizes];
      // Act 2
      await dueNow();
      await lanesFor(1).runUntilIdle();
      const after = await Promise.all(users.map((userId, i) => answersTo(userId, before[i] as number)));

      // Assert: the group of six failed as a whole (its answers were never written together), then each
      // was committed alone: five answered, the bad one retried; everyone has one answer in the end.
      expect(groupsInFirstPass).toEqual([1, 1, 1, 1, 1]);
      expect(firstPass.map((answers) => answers.length)).toEqual([1, 1, 0, 1, 1, 1]);
      expect(after.map((answers) => answers.length)).toEqual([1, 1, 1, 1, 1, 1]);
      const events = await eventRows(sent);
      expect(events.map((row) => row.state)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
      expect(events.map((row) => row.attempts)).toEqual([1, 1, 2, 1, 1, 1]);
    },
    HANG_GUARD_MS,
  );
});
