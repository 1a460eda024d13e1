import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { createVerifyInvoicesRetryWorker } from '../../jobs/verify-invoices.job.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { detailRequests } from '../submissions/world.js';
import {
  createLineTestKit,
  greenTeaInvoices,
  rocDate,
  taipeiDaysAgo,
  textsOf,
  type LineTestKit,
} from './line-test-kit.js';

const MEMBERS = 8;
const PURCHASE_DATE = taipeiDaysAgo(1);
const LANGUAGES = ['en', 'zh-TW', 'th'] as const;
const userIdOf = (i: number) => `U${'0'.repeat(28)}${(0xd000 + i).toString(16)}`;
const invoiceNumberOf = (i: number) => `QU${String(10_000_000 + i)}`;
const CHECKING = { en: 'Received, checking', 'zh-TW': '已收到，查核中', th: 'ได้รับแล้ว กำลังตรวจสอบ' };
const QUEUE_PLACE = { en: 'Your place in the queue', 'zh-TW': '您目前排在第', th: 'ลำดับคิวของคุณ' };

describe('a proof that would wait for the MoF budget is answered at once and decided by push', () => {
  let kit: LineTestKit;

  beforeAll(async () => {
    // 2 checks per second for the deployment, and no member waits more than 600 ms in silence: of 8
    // proofs sent together, the later ones must be queued.
    kit = await createLineTestKit({
      mof: { rateLimitPerSecond: 2, answerAtOnceAfterMs: 600 },
      invoices: greenTeaInvoices(MEMBERS, invoiceNumberOf, PURCHASE_DATE),
    });
    for (let i = 0; i < MEMBERS; i++)
      await kit.addUser(userIdOf(i), { displayName: `member ${i}`, language: LANGUAGES[i % 3]! });
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await kit?.close();
  });

  test(
    'when 8 members send proofs at once, then each is answered by reply at once (the queued ones with their place), and each decision comes once, by push with a retry key, also after a redelivery and a retried event',
    async () => {
      // Arrange: 8 members send their e-invoice together; the web process stores the 8 events.
      const sent = [];
      for (let i = 0; i < MEMBERS; i++)
        sent.push(
          await kit.userSends(userIdOf(i), {
            type: 'text',
            text: `${invoiceNumberOf(i)} ${rocDate(PURCHASE_DATE)} 1234`,
          }),
        );

      // Act 1: the webhook worker answers every event.
      await kit.drain();

      // Assert 1: one reply each; those the budget could not check in time say "checking" with their place.
      const first = await kit.botMessages();
      expect(first).toHaveLength(MEMBERS);
      expect(first.every((message) => message.via === 'reply')).toBe(true);
      const queuedUsers = new Set<string>();
      for (let i = 0; i < MEMBERS; i++) {
        const language = LANGUAGES[i % 3] as (typeof LANGUAGES)[number];
        const [answer] = first.filter((message) => message.userId === userIdOf(i));
        const text = textsOf(answer?.messages ?? []);
        if (text.includes(CHECKING[language])) {
          queuedUsers.add(userIdOf(i));
          expect(text).toContain(QUEUE_PLACE[language]);
        }
      }
      // How many go at once depends on how fast this machine answers (a slow one leaves the budget idle
      // between proofs), but with 8 sent together some must wait; and whichever way each went, it went
      // one way only: a queued proof was not asked about in its request, a direct one exactly once.
      expect(queuedUsers.size).toBeGreaterThan(0);
      for (let i = 0; i < MEMBERS; i++)
        expect(detailRequests(kit.mofSim, invoiceNumberOf(i))).toBe(queuedUsers.has(userIdOf(i)) ? 0 : 1);
      const queuedRows = await queryRows<{ n: number }>(
        kit.services.database.db,
        sql`select count(*)::int as n from submissions where reason_code = 'verification.queued' and state = 'parsed'`,
      );
      expect(queuedRows[0]?.n).toBe(queuedUsers.size);

      // Act 2: LINE redelivers an event, and a stored event is retried as after a crash before its commit.
      const redelivery = await fetch(
        `${kit.lineSim.url}/__sim/redeliver/${sent[MEMBERS - 1]?.webhookEventId}`,
        {
          method: 'POST',
        },
      );
      expect(redelivery.ok).toBe(true);
      await kit.services.database.db.execute(
        sql`update webhook_events set state = 'pending', next_attempt_at = now() - interval '1 second'
           where webhook_event_id = ${sent[MEMBERS - 2]?.webhookEventId as string}`,
      );
      // The redelivery stores nothing new; the retried event is handled again and answers nothing twice.
      expect(await kit.drain()).toBe(1);
      expect(await kit.botMessages()).toHaveLength(MEMBERS);

      // Act 3: the retry worker checks the queued proofs in turn; the outbound worker pushes the decisions.
      const retry = createVerifyInvoicesRetryWorker(kit.services as never);
      for (let round = 0; round < 40; round++) {
        const checked = await retry.runOnce();
        const pushed = await kit.outbound.runOnce();
        const [left] = await queryRows<{ n: number }>(
          kit.services.database.db,
          sql`select count(*)::int as n from submissions where state = 'parsed'`,
        );
        if (checked === 0 && pushed === 0 && left?.n === 0) break;
      }

      // Assert 3: every queued member got exactly one more message, the decision, as a push with a retry key.
      const all = await kit.botMessages();
      const pushes = all.filter((message) => message.via === 'push');
      expect(pushes).toHaveLength(queuedUsers.size);
      expect(new Set(pushes.map((push) => push.userId))).toEqual(queuedUsers);
      expect(pushes.every((push) => typeof push.retryKey === 'string')).toBe(true);
      const [counts] = await queryRows<Record<string, number>>(
        kit.services.database.db,
        sql`select (select count(*)::int from submissions where state in ('accepted', 'rewarded')) as accepted,
                 (select count(*)::int from points_ledger) as ledger,
                 (select count(*)::int from webhook_events) as events`,
      );
      expect(counts).toEqual({ accepted: MEMBERS, ledger: MEMBERS, events: MEMBERS });
    },
    HANG_GUARD_MS,
  );
});
