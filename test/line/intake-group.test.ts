import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
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
const { purchaseDate: PURCHASE_DATE, userIdOf, invoiceNumberOf, proofText } = typedProofMembers(0xf000, 'IG');

describe('typed proofs that come together are taken in together, also when one of them is checked at once', () => {
  let kit: LineTestKit;
  const statements: string[] = [];
  const members = Array.from({ length: 2 * GROUP }, (_, i) => i);

  beforeAll(async () => {
    // 1 check per second for the deployment, and no member waits more than 100 ms in silence: with the
    // budget idle the first proof of a group is checked at once, every later one is queued.
    kit = await createLineTestKit({
      mof: { rateLimitPerSecond: 1, answerAtOnceAfterMs: 100 },
      invoices: greenTeaInvoices(2 * GROUP, invoiceNumberOf, PURCHASE_DATE),
      onStatement: (statement) => statements.push(statement),
    });
    for (const i of members) await kit.addUser(userIdOf(i), { displayName: `member ${i}`, language: 'en' });
    // The members are known (a first `help` each: a new member's answer first fetches their profile).
    for (const i of members) await kit.userSends(userIdOf(i), { type: 'text', text: 'help' });
    await kit.drain();
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await kit?.close();
  });

  const answersOf = async (i: number) => (await kit.botMessages(userIdOf(i))).slice(1);

  test(
    'when 6 proofs come together and the budget is idle, then they are stored by one statement (two on PostgreSQL when the claims split them), the first is checked at once and answered with its decision, and the 5 others are answered "received, checking", each with a place of its own',
    async () => {
      // Arrange: nothing queued, and the budget's last permit long past.
      for (let i = 0; i < GROUP; i++) await kit.userSends(userIdOf(i), { type: 'text', text: proofText(i) });
      await kit.services.database.db.execute(
        sql`update platform_budgets set next_at = clock_timestamp() - interval '10 seconds'`,
      );
      statements.length = 0;

      // Act: the webhook worker answers the 6 events (claimed together: one lane each).
      expect(await kit.drain()).toBe(GROUP);

      // Assert: one multi-row insert, no proof's own budget turn (alone, each one's intake is its own
      // transaction: 6 inserts and 6 turns).
      const inserts = statements.filter((statement) => /^insert into "submissions"/i.test(statement.trim()));
      expect(inserts.length).toBeLessThanOrEqual(2);
      const turns = statements.filter((statement) => /submissions_instant_turn/.test(statement));
      expect(turns.length).toBeLessThanOrEqual(1);
      let decided = 0;
      const places: number[] = [];
      for (let i = 0; i < GROUP; i++) {
        const answers = await answersOf(i);
        expect(answers).toHaveLength(1);
        expect(answers[0]?.via).toBe('reply');
        const text = textsOf(answers[0]?.messages ?? []);
        if (text.includes(CHECKING)) {
          places.push(placeOf(text));
          expect(detailRequests(kit.mofSim, invoiceNumberOf(i))).toBe(0);
        } else {
          decided++;
          expect(detailRequests(kit.mofSim, invoiceNumberOf(i))).toBe(1);
        }
      }
      expect(decided).toBe(1);
      expect(places.every((place) => place >= 1)).toBe(true);
      // Places are estimates: two groups deciding at the same moment (PostgreSQL) count the same ones ahead.
      expect(new Set(places).size).toBeGreaterThanOrEqual((GROUP - 1) / 2);
      const [counts] = await queryRows<Record<string, number>>(
        kit.services.database.db,
        sql`select count(*) filter (where state = 'parsed' and reason_code = 'verification.queued')::int as queued,
                   count(*) filter (where state in ('accepted', 'rewarded'))::int as accepted,
                   count(*)::int as submissions
              from submissions where raw_input->'parsed'->>'invoiceNumber' like 'IG%'`,
      );
      expect(counts).toEqual({ queued: GROUP - 1, accepted: 1, submissions: GROUP });
    },
    HANG_GUARD_MS,
  );

  test(
    'when one proof of a group cannot be stored, then the others are still taken in and answered once each, and only that one is left to be tried again',
    async () => {
      // Arrange: the database refuses one invoice's submission; 6 members send their proofs together.
      const bad = GROUP + 2;
      await kit.services.database.db.execute(
        sql.raw(`
        create function refuse_intake_group_proof() returns trigger language plpgsql as $$
        begin
          if new.raw_input->'parsed'->>'invoiceNumber' = '${invoiceNumberOf(bad)}' then
            raise exception 'refused by the test';
          end if;
          return new;
        end $$`),
      );
      await kit.services.database.db.execute(
        sql`create trigger refuse_intake_group_proof before insert on submissions
            for each row execute function refuse_intake_group_proof()`,
      );
      for (let i = GROUP; i < 2 * GROUP; i++)
        await kit.userSends(userIdOf(i), { type: 'text', text: proofText(i) });

      // Act
      await kit.drain();

      // Assert: every other member is answered once; the refused one is not, and its event waits to be
      // tried again with its insert's error.
      for (let i = GROUP; i < 2 * GROUP; i++) expect(await answersOf(i)).toHaveLength(i === bad ? 0 : 1);
      const [event] = await queryRows<{ state: string; attempts: number; last_error: string | null }>(
        kit.services.database.db,
        sql`select state, attempts, last_error from webhook_events
             where line_user_id = ${userIdOf(bad)} order by received_at desc limit 1`,
      );
      expect(event?.state).toBe('pending');
      // At least once: its back-off is 2 s, and a drain longer than that at load tries it again (review F5).
      expect(event?.attempts).toBeGreaterThanOrEqual(1);
      // drizzle's error names the statement that failed: that proof's own insert.
      expect(event?.last_error).toContain(invoiceNumberOf(bad));
      const [stored] = await queryRows<{ n: number }>(
        kit.services.database.db,
        sql`select count(*)::int as n from submissions
             where raw_input->'parsed'->>'invoiceNumber' in (${sql.join(
               members.slice(GROUP).map((i) => sql`${invoiceNumberOf(i)}`),
               sql`, `,
             )})`,
      );
      expect(stored?.n).toBe(GROUP - 1);
    },
    HANG_GUARD_MS,
  );
});
