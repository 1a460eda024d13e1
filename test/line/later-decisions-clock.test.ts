import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { outboundMessages } from '../../core/messaging/index.js';
import { submissions } from '../../core/submissions/index.js';
import { createLineTestKit, rocDate, taipeiDaysAgo, textsOf, type LineTestKit } from './line-test-kit.js';

const PURCHASE_DATE = taipeiDaysAgo(2);
const WAITING = 'U00000000000000000000000000c1a001';
const ACCEPTED = 'U00000000000000000000000000c1a002';

/**
 * "Decided later" (notices) must follow what the member was told, not two clock readings: a decision
 * whose `now` was read before the "waiting" answer was stored (a slow commit, another host's clock) is
 * still news; a proof answered "accepted" at once is never told again.
 */
describe('later decisions and clocks', () => {
  let kit: LineTestKit;
  const say = async (userId: string, text: string) => {
    const before = (await kit.botMessages(userId)).length;
    await kit.userSends(userId, { type: 'text', text });
    await kit.drain();
    return (await kit.botMessages(userId)).slice(before);
  };
  const submissionOf = async (userId: string) => {
    const [answer] = await kit.services.database.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.toUserId, userId));
    const sourceRef = `line:${answer?.dedupeKey.slice('event:'.length)}`;
    const [submission] = await kit.services.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.sourceRef, sourceRef));
    return { answer: answer!, submission: submission! };
  };

  beforeAll(async () => {
    kit = await createLineTestKit({
      invoices: [
        {
          invoiceNumber: 'CK20250001',
          invoiceDate: PURCHASE_DATE,
          randomCode: '3344',
          sellerBan: '28414044',
          sellerName: '好茶專賣店',
          totalAmount: 120,
          uploadedAfterHours: 10_000,
          items: [{ name: '好茶綠茶', quantity: 2, unitPrice: 60 }],
        },
        {
          invoiceNumber: 'CK20250002',
          invoiceDate: PURCHASE_DATE,
          randomCode: '5566',
          sellerBan: '28414044',
          sellerName: '好茶專賣店',
          totalAmount: 300,
          items: [{ name: '好茶紅茶 600ml', quantity: 5, unitPrice: 60 }],
        },
      ],
    });
    for (const userId of [WAITING, ACCEPTED]) {
      await kit.addUser(userId, { displayName: userId, language: 'zh-TW' });
      await say(userId, 'hi');
    }
  });
  afterAll(async () => {
    await kit?.close();
  });

  test('when a waiting proof is decided with a clock reading from before its answer was stored, then the member still gets the decision', async () => {
    await kit.services.database.db.delete(outboundMessages).where(eq(outboundMessages.toUserId, WAITING));
    const answers = await say(WAITING, `CK20250001 ${rocDate(PURCHASE_DATE)} 3344`);
    expect(textsOf(answers[0]?.messages ?? [])).toContain('等待財政部平台');
    const { answer, submission } = await submissionOf(WAITING);
    await kit.services.database.db
      .update(submissions)
      .set({
        state: 'rejected',
        reasonCode: 'verification.not_uploaded',
        decidedAt: new Date(answer.createdAt.getTime() - 1_000),
      })
      .where(eq(submissions.id, submission.id));
    const before = (await kit.botMessages(WAITING)).length;
    await kit.outbound.runOnce();
    await kit.outbound.runOnce();
    expect((await kit.botMessages(WAITING)).slice(before)).toHaveLength(1);
  });

  test('when a proof answered "accepted" at once carries a decision time after its answer, then it is not told again', async () => {
    await kit.services.database.db.delete(outboundMessages).where(eq(outboundMessages.toUserId, ACCEPTED));
    const answers = await say(ACCEPTED, `CK20250002 ${rocDate(PURCHASE_DATE)} 5566`);
    expect(answers).toHaveLength(1);
    const { answer, submission } = await submissionOf(ACCEPTED);
    expect(submission.state).toMatch(/accepted|rewarded/);
    await kit.services.database.db
      .update(submissions)
      .set({ decidedAt: new Date(answer.createdAt.getTime() + 1_000) })
      .where(eq(submissions.id, submission.id));
    const before = (await kit.botMessages(ACCEPTED)).length;
    await kit.outbound.runOnce();
    await kit.outbound.runOnce();
    expect((await kit.botMessages(ACCEPTED)).slice(before)).toHaveLength(0);
  });
});
