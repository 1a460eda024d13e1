import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { WORK_NOTIFY_CHANNEL } from '../../core/db/work-signal.js';
import { createVerifyInvoicesRetryWorker } from '../../jobs/verify-invoices.job.js';
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
const MEMBERS = 3;
const userIdOf = (i: number) => `U${'0'.repeat(28)}${(0xa700 + i).toString(16)}`;
const invoiceNumberOf = (i: number) => `LW${String(10_000_000 + i)}`;

/**
 * A chat proof's decision wakes the outbound worker (NOTIFY 'outbound') only when it is a later decision,
 * one with a push to queue (#17): a proof decided in the member's request is answered by the reply the
 * webhook worker writes next, and waking the outbound worker there only put its two statements (the later
 * decisions' read, a claim of due messages) between the decision and the member's reply.
 */
describe('which chat decisions wake the outbound worker', () => {
  let kit: LineTestKit;
  let unlisten: (() => Promise<void>) | undefined;
  /** Every work notification heard, in order (the payload: the queue). */
  const heard: string[] = [];
  let sentinels = 0;

  /**
   * How many 'outbound' notifications `work` caused: a sentinel notification is committed after it, and
   * notifications arrive in commit order, so one sent by `work` is heard before the sentinel.
   */
  const outboundWakesDuring = async (work: () => Promise<void>): Promise<number> => {
    const from = heard.length;
    await work();
    const sentinel = `sentinel-${++sentinels}`;
    await kit.services.database.db.execute(sql`select pg_notify(${WORK_NOTIFY_CHANNEL}, ${sentinel})`);
    const deadline = Date.now() + HANG_GUARD_MS / 2;
    while (!heard.includes(sentinel)) {
      if (Date.now() > deadline) throw new Error('the sentinel notification never came');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return heard.slice(from, heard.indexOf(sentinel)).filter((queue) => queue === 'outbound').length;
  };

  const sendProof = async (i: number) => {
    await kit.userSends(userIdOf(i), {
      type: 'text',
      text: `${invoiceNumberOf(i)} ${rocDate(PURCHASE_DATE)} 1234`,
    });
    await kit.drain();
    const [last] = (await kit.botMessages(userIdOf(i))).slice(-1);
    return textsOf(last?.messages ?? []);
  };

  beforeAll(async () => {
    kit = await createLineTestKit({ invoices: greenTeaInvoices(MEMBERS, invoiceNumberOf, PURCHASE_DATE) });
    unlisten = await kit.services.database.listen(WORK_NOTIFY_CHANNEL, (queue) => heard.push(queue));
    for (let i = 0; i < MEMBERS; i++) {
      await kit.addUser(userIdOf(i), { displayName: `member ${i}`, language: 'en' });
      // Known members: their first message stored them.
      await kit.userSends(userIdOf(i), { type: 'text', text: 'help' });
    }
    await kit.drain();
    // Listening is in place once a first sentinel is heard.
    await outboundWakesDuring(async () => {});
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await unlisten?.();
    await kit?.close();
  });

  test("when a typed e-invoice is decided in the member's request, then its decision wakes no outbound worker", async () => {
    let answer = '';
    const wakes = await outboundWakesDuring(async () => {
      answer = await sendProof(1);
    });

    expect(answer).toContain('point');
    expect(wakes).toBe(0);
  });

  test('when a proof answered "received, checking" is decided later, then its decision wakes the outbound worker', async () => {
    // Arrange: a backlog longer than members are kept waiting, so the proof is queued.
    const backlogged = await queryRows<{ key: string }>(
      kit.services.database.db,
      sql`update platform_budgets set next_at = clock_timestamp() + interval '30 seconds' returning key`,
    );
    expect(backlogged.length).toBeGreaterThan(0);
    const wakesAnswering = await outboundWakesDuring(async () => {
      expect(await sendProof(2)).toContain('Received, checking');
    });
    await kit.services.database.db.execute(sql`update platform_budgets set next_at = clock_timestamp()`);

    // Act: the retry worker checks it.
    const retry = createVerifyInvoicesRetryWorker(kit.services as never);
    const wakes = await outboundWakesDuring(async () => {
      for (let round = 0; round < 20; round++) {
        const [left] = await queryRows<{ n: number }>(
          kit.services.database.db,
          sql`select count(*)::int as n from submissions where state = 'parsed'`,
        );
        if (left?.n === 0) break;
        await retry.runOnce();
      }
    });

    // Assert
    const [decided] = await queryRows<{ state: string }>(
      kit.services.database.db,
      sql`select state from submissions where source_ref like 'line:%' order by created_at desc limit 1`,
    );
    expect(decided?.state).toBe('rewarded');
    expect(wakesAnswering).toBe(0);
    expect(wakes).toBe(1);
  });
});
