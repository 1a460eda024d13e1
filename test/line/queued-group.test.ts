import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { createVerifyInvoicesRetryWorker } from '../../jobs/verify-invoices.job.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { detailRequests } from '../submissions/world.js';
import {
  createLineTestKit,
  greenTeaInvoices,
  typedProofMembers,
  CHECKING_TITLE as CHECKING,
  queuePlaceOf as placeOf,
  textsOf,
  type LineTestKit,
} from './line-test-kit.js';

const GROUP = 6;
const { purchaseDate: PURCHASE_DATE, userIdOf, invoiceNumberOf, proofText } = typedProofMembers(0xe000, 'QG');

describe('typed proofs of a burst that would all wait for the MoF budget are taken in together', () => {
  let kit: LineTestKit;
  const statements: string[] = [];

  beforeAll(async () => {
    // 1 check per second for the deployment, and no member waits more than 100 ms in silence: while the
    // budget is backlogged, every proof must be queued.
    kit = await createLineTestKit({
      mof: { rateLimitPerSecond: 1, answerAtOnceAfterMs: 100 },
      invoices: greenTeaInvoices(GROUP + 1, invoiceNumberOf, PURCHASE_DATE),
      onStatement: (statement) => statements.push(statement),
    });
    for (let i = 0; i <= GROUP + 1; i++)
      await kit.addUser(userIdOf(i), { displayName: `member ${i}`, language: 'en' });
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await kit?.close();
  });

  test(
    'when a first proof took the permit and 6 more plus one repeating an invoice come together, then the 6 are stored together (one statement, two on PostgreSQL when the claims split them) and each answered once with a place, the repeat is answered on its own, and each decision comes once by push, also after a redelivery',
    async () => {
      // Arrange: member 0's proof is checked at once (the budget's row exists from then on).
      await kit.userSends(userIdOf(0), { type: 'text', text: proofText(0) });
      await kit.drain();
      expect(detailRequests(kit.mofSim, invoiceNumberOf(0))).toBe(1);
      // Members 1..7 are known (a first `help` each: a new member's answer first fetches their profile).
      for (let i = 1; i <= GROUP + 1; i++) await kit.userSends(userIdOf(i), { type: 'text', text: 'help' });
      await kit.drain();
      // Members 1..6 send their proofs together, and member 7 sends member 1's invoice again.
      const sent = [];
      for (let i = 1; i <= GROUP; i++)
        sent.push(await kit.userSends(userIdOf(i), { type: 'text', text: proofText(i) }));
      await kit.userSends(userIdOf(GROUP + 1), { type: 'text', text: proofText(1) });
      // Other processes have taken the budget's next 3 s of permits (whatever this machine's speed).
      await kit.services.database.db.execute(
        sql`update platform_budgets set next_at = clock_timestamp() + interval '3 seconds'`,
      );
      statements.length = 0;

      // Act 1: the webhook worker answers the 7 events (claimed together: one lane each).
      expect(await kit.drain()).toBe(GROUP + 1);

      // Assert 1: the 6 submissions were written by one statement; each member is answered once by
      // reply, "checking" with a place of their own; nothing of theirs asked the platform in the request.
      const submissionInserts = statements.filter((statement) =>
        /^insert into "submissions"/i.test(statement.trim()),
      );
      // One by one: 7. Grouped: the group's, and the repeat's own; on PostgreSQL the lanes' two claims
      // (any event, answer-only) may reach the submitter apart, as two groups.
      expect(submissionInserts.length).toBeLessThanOrEqual(3);
      const places: number[] = [];
      for (let i = 1; i <= GROUP; i++) {
        const answers = (await kit.botMessages(userIdOf(i))).slice(1);
        expect(answers).toHaveLength(1);
        expect(answers[0]?.via).toBe('reply');
        const text = textsOf(answers[0]?.messages ?? []);
        expect(text).toContain(CHECKING);
        places.push(placeOf(text));
        expect(detailRequests(kit.mofSim, invoiceNumberOf(i))).toBe(0);
      }
      expect(places.every((place) => place >= 1)).toBe(true);
      // Places are estimates: two groups deciding at the same moment (PostgreSQL) count the same ones ahead.
      expect(new Set(places).size).toBeGreaterThanOrEqual(GROUP / 2);
      // The repeated invoice is answered once, and it is not a second submission of member 1's invoice.
      const repeat = (await kit.botMessages(userIdOf(GROUP + 1))).slice(1);
      expect(repeat).toHaveLength(1);
      expect(textsOf(repeat[0]?.messages ?? [])).not.toContain(CHECKING);
      const [queued] = await queryRows<{ n: number }>(
        kit.services.database.db,
        sql`select count(*)::int as n from submissions where reason_code = 'verification.queued' and state = 'parsed'`,
      );
      expect(queued?.n).toBe(GROUP);

      // Act 2: LINE redelivers one event, and another is retried as after a crash before its commit.
      const redelivery = await fetch(
        `${kit.lineSim.url}/__sim/redeliver/${sent[GROUP - 1]?.webhookEventId}`,
        {
          method: 'POST',
        },
      );
      expect(redelivery.ok).toBe(true);
      await kit.services.database.db.execute(
        sql`update webhook_events set state = 'pending', next_attempt_at = now() - interval '1 second'
           where webhook_event_id = ${sent[0]?.webhookEventId as string}`,
      );
      expect(await kit.drain()).toBe(1);
      for (let i = 1; i <= GROUP; i++) expect(await kit.botMessages(userIdOf(i))).toHaveLength(2);

      // Act 3: the retry worker checks the queued proofs in turn; the outbound worker pushes the decisions.
      const retry = createVerifyInvoicesRetryWorker(kit.services as never);
      for (let round = 0; round < 150; round++) {
        const checked = await retry.runOnce();
        const pushed = await kit.outbound.runOnce();
        const [left] = await queryRows<{ n: number }>(
          kit.services.database.db,
          sql`select count(*)::int as n from submissions where state = 'parsed'`,
        );
        if (checked === 0 && pushed === 0 && left?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }

      // Assert 3: each of the 6 got one more message, the decision, by push with a retry key; each
      // invoice was asked about once; one submission, one grant each.
      for (let i = 1; i <= GROUP; i++) {
        const answers = (await kit.botMessages(userIdOf(i))).slice(1);
        expect(answers).toHaveLength(2);
        expect(answers[1]?.via).toBe('push');
        expect(typeof answers[1]?.retryKey).toBe('string');
        expect(detailRequests(kit.mofSim, invoiceNumberOf(i))).toBe(1);
      }
      const [counts] = await queryRows<Record<string, number>>(
        kit.services.database.db,
        sql`select (select count(*)::int from submissions) as submissions,
                 (select count(*)::int from submissions where state in ('accepted', 'rewarded')) as accepted,
                 (select count(*)::int from points_ledger) as ledger`,
      );
      expect(counts).toEqual({ submissions: GROUP + 1, accepted: GROUP + 1, ledger: GROUP + 1 });
    },
    HANG_GUARD_MS,
  );
});
