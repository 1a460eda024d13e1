import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { createWebhookEventsWorker } from '../../jobs/webhook-events.job.js';
import type { Services } from '../../core/app/build-services.js';
import type { QueueWorker } from '../../jobs/runner.js';
import { createStatementLog } from '../support/statement-log.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import {
  createLineTestKit,
  greenTeaInvoices,
  rocDate,
  taipeiDaysAgo,
  textsOf,
  type LineTestKit,
} from './line-test-kit.js';

const PURCHASE_DATE = taipeiDaysAgo(1);
const userIdOf = (i: number) => `U${'0'.repeat(28)}${(0xe000 + i).toString(16)}`;
const invoiceNumberOf = (i: number) => `AS${String(10_000_000 + i)}`;

/**
 * Upper bounds on the statements one answer costs (the worker's claim, the answer, its delivery), so
 * they cannot silently grow: the burst of issue 17 is CPU-bound on them. BEGIN/COMMIT are not counted
 * (one transaction per answer). Lower a bound when a change takes statements away. Before issue 17's
 * statement work (2026-12-05): help 12, a typed e-invoice 46; before the burst work (same day): help 7,
 * a typed e-invoice 36, one answered "received, checking" 16; before the decision wrote its row once
 * (2026-12-06): a typed e-invoice 34; before a grant read its earn state in one statement (same day): 33;
 * before the instant check's turn, the decision's counts and fence, the points lock and the entry and
 * scratch card became one statement each (same day): a typed e-invoice 31, "received, checking" 14; before
 * the decision took the invoice's header from the statement that stored the MoF's answer and the line items'
 * insert looked up the product mappings itself, and the event's context read said whether the brand runs
 * a survey (same day): a typed e-invoice 26; before the campaign rows were reused when the event's context
 * read saw them unchanged (their row stamps, 2026-12-07): a typed e-invoice 23, "received, checking" 13;
 * before the decision wrote the stores and line items, the invoice's answer and items, and the earn row
 * with the entry and card as one statement each (same day): 22; before the member's open proof question
 * was read with the event's context (same day): a typed e-invoice 19, "received, checking" 12; before the
 * decision's member–campaign lock rode along with the statement that stores the MoF's answer (same day): 18.
 * The proofs counted follow a first one (`WARM`), as every proof but a process's first does.
 */
const MAX_STATEMENTS = { help: 6, textProof: 17, queuedProof: 11, newMemberProof: 17 };
/**
 * A group of `help` answers handled together (issue 17's burst): the claim and each group's writes (done
 * marks, members' activity, answers, sent marks) are one statement each for the whole group, so each
 * answer adds only its own read. Eight one after the other take 8 × 6 = 48; eight claimed together took
 * 13–17 (PGlite commits them as one or two groups, PostgreSQL as two or three: a group is what was
 * handled while the previous one committed). The bound leaves room for the split, not for a statement
 * per answer more.
 */
const GROUP = 8;
const MAX_GROUP_STATEMENTS = 24;
// 0–3: one each for the single answers, 4 … 4 + GROUP − 1: the group, then the first proof (its campaign
// rows are read), the decision's transactions, the last: the single write.
const WARM = 4 + GROUP;
const MEMBERS = 7 + GROUP;
/** A member the bot has not stored yet (they added the account before Proofline ran): their first proof. */
const NEWCOMER = MEMBERS;

describe('statements per answer (issue 17)', () => {
  const log = createStatementLog();
  let kit: LineTestKit;
  let worker: QueueWorker;

  /** Transactions opened on the services' database (PGlite reports no BEGIN to the statement log). */
  let transactions = 0;

  /** The member sends `text`; the worker (one lane: one claim) answers it and sends the answer. */
  const answer = async (userId: string, text: string) => {
    await kit.userSends(userId, { type: 'text', text });
    const transactionsBefore = transactions;
    const statements = await log.during(async () => {
      await worker.runOnce({ wake: () => {} });
      await worker.drain?.();
    });
    const [last] = (await kit.botMessages(userId)).slice(-1);
    return {
      statements,
      transactions: transactions - transactionsBefore,
      answer: textsOf(last?.messages ?? []),
    };
  };

  beforeAll(async () => {
    kit = await createLineTestKit({
      invoices: greenTeaInvoices(MEMBERS + 1, invoiceNumberOf, PURCHASE_DATE),
      onStatement: log.onStatement,
    });
    const { db } = kit.services.database;
    const transaction = db.transaction.bind(db);
    db.transaction = ((...args: Parameters<typeof transaction>) => {
      transactions++;
      return transaction(...args);
    }) as typeof db.transaction;
    worker = createWebhookEventsWorker(kit.services as Services, {
      conversation: kit.conversation,
      lanes: 1,
      answerLanes: 0,
    });
    for (let i = 0; i <= NEWCOMER; i++)
      await kit.addUser(userIdOf(i), { displayName: `member ${i}`, language: 'en' });
    // Known members: their first message stored them.
    for (let i = 0; i < MEMBERS; i++) await answer(userIdOf(i), 'help');
    // A first proof: the process reads the campaign rows the later ones reuse while unchanged.
    await answer(userIdOf(WARM), `${invoiceNumberOf(WARM)} ${rocDate(PURCHASE_DATE)} 1234`);
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await kit?.close();
  });

  test('when a known member sends help, then the answer takes at most the bound of statements', async () => {
    const { statements, answer: text } = await answer(userIdOf(0), 'help');
    expect(text).not.toBe('');
    expect(statements.length).toBeLessThanOrEqual(MAX_STATEMENTS.help);
  });

  test('when a known member sends a typed e-invoice, then the answer takes at most the bound of statements', async () => {
    const { statements, answer: text } = await answer(
      userIdOf(1),
      `${invoiceNumberOf(1)} ${rocDate(PURCHASE_DATE)} 1234`,
    );
    expect(text).toContain('point');
    expect(statements.length).toBeLessThanOrEqual(MAX_STATEMENTS.textProof);
  });

  test("when a known member's typed e-invoice is accepted and rewarded, then the decision writes its submission row once", async () => {
    // Act
    const { statements, answer: text } = await answer(
      userIdOf(MEMBERS - 1),
      `${invoiceNumberOf(MEMBERS - 1)} ${rocDate(PURCHASE_DATE)} 1234`,
    );

    // Assert: one UPDATE of the row (straight to rewarded), so its triggers (rollups, member purchases and
    // facts, the outbound wake) run once; before, accepted then rewarded ran them twice.
    expect(text).toContain('point');
    const submissionUpdates = statements.filter((statement) => /^\s*update "submissions"/i.test(statement));
    expect(submissionUpdates).toHaveLength(1);
    expect(submissionUpdates[0]).toMatch(/"state" = /);
  });

  test("when a known member's typed e-invoice is decided in their request, then its decision commits with the answer: two transactions in all", async () => {
    // Act
    const { transactions: opened, answer: text } = await answer(
      userIdOf(MEMBERS - 2),
      `${invoiceNumberOf(MEMBERS - 2)} ${rocDate(PURCHASE_DATE)} 1234`,
    );

    // Assert: the proof stored (before MoF is asked), then the decision, the event's done mark and the
    // answer together; before, the decision was a transaction of its own (three).
    expect(text).toContain('point');
    expect(opened).toBe(2);
  });

  test('when a member not stored yet sends a typed e-invoice, then the answer reads no proof question of its own and takes at most the bound of statements', async () => {
    // Act
    const { statements, answer: text } = await answer(
      userIdOf(NEWCOMER),
      `${invoiceNumberOf(NEWCOMER)} ${rocDate(PURCHASE_DATE)} 1234`,
    );

    // Assert: stored by this event (their profile fetched meanwhile), they have asked nothing yet.
    expect(text).toContain('point');
    expect(statements.filter((statement) => /from "proof_questions"/.test(statement))).toEqual([]);
    expect(statements.length).toBeLessThanOrEqual(MAX_STATEMENTS.newMemberProof);
  });

  test('when a known member sends a typed e-invoice while the MoF budget has a backlog, then the "received, checking" answer takes at most the bound of statements', async () => {
    // Arrange: the budget's row exists (a first proof), then a backlog longer than members are kept waiting.
    await answer(userIdOf(2), `${invoiceNumberOf(2)} ${rocDate(PURCHASE_DATE)} 1234`);
    const backlogged = await queryRows<{ key: string }>(
      kit.services.database.db,
      sql`update platform_budgets set next_at = clock_timestamp() + interval '30 seconds' returning key`,
    );
    expect(backlogged.length).toBeGreaterThan(0);

    // Act
    const { statements, answer: text } = await answer(
      userIdOf(3),
      `${invoiceNumberOf(3)} ${rocDate(PURCHASE_DATE)} 1234`,
    );

    // Assert
    expect(text).toContain('Received, checking');
    expect(statements.length).toBeLessThanOrEqual(MAX_STATEMENTS.queuedProof);
  });

  test('when a group of known members send help together, then the group takes at most the bound of statements', async () => {
    // Arrange: one lane per member, so all are claimed at once and handled together.
    const groupWorker = createWebhookEventsWorker(kit.services as Services, {
      conversation: kit.conversation,
      lanes: GROUP,
      answerLanes: 0,
    });
    const users = Array.from({ length: GROUP }, (_, i) => userIdOf(4 + i));
    for (const userId of users) await kit.userSends(userId, { type: 'text', text: 'help' });

    // Act
    const statements = await log.during(async () => {
      await groupWorker.runOnce({ wake: () => {} });
      await groupWorker.drain?.();
    });

    // Assert
    for (const userId of users) expect((await kit.botMessages(userId)).length).toBe(2);
    expect(statements.length).toBeLessThanOrEqual(MAX_GROUP_STATEMENTS);
  });
});
