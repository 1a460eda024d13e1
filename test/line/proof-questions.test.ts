import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import { proofQuestions } from '../../core/conversations/index.js';
import { periodOfDate } from '../../core/invoices/index.js';
import { members } from '../../core/members/index.js';
import { pointsLedger } from '../../core/rewards/index.js';
import { submissions } from '../../core/submissions/index.js';
import type { SimInvoiceInput } from '../../sim/mof/index.js';
import {
  ALICE,
  createLineTestKit,
  rocDate,
  SOMCHAI,
  taipeiDaysAgo,
  textsOf,
  XIAOMING,
  type LineTestKit,
} from './line-test-kit.js';

/**
 * Issue #15: part of a proof is kept and the chat asks for the rest — the purchase date of a paper
 * e-invoice's barcode (19 characters: period, number, random code), the left QR code of a right code
 * sent alone — then the proof is verified with the MoF platform as usual.
 */
const PURCHASE_DATE = taipeiDaysAgo(3);
const SELLER_BAN = '28414044';

const invoice = (
  invoiceNumber: string,
  randomCode: string,
  items: NonNullable<SimInvoiceInput['items']>,
) => ({
  invoiceNumber,
  invoiceDate: PURCHASE_DATE,
  randomCode,
  sellerBan: SELLER_BAN,
  sellerName: '好茶專賣店',
  totalAmount: items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
  items,
});

const TEA = [{ name: '好茶綠茶 600ml', quantity: 2, unitPrice: 60 }];
const INVOICES = {
  barcode: invoice('BQ20250001', '4321', TEA),
  picker: invoice('BQ20250002', '5432', TEA),
  typed: invoice('BQ20250003', '6543', TEA),
  pair: invoice('BQ20250004', '7654', [
    { name: '好茶綠茶', quantity: 1, unitPrice: 60 },
    { name: '好茶紅茶', quantity: 1, unitPrice: 60 },
  ]),
  other: invoice('BQ20250005', '8765', TEA),
  thai: invoice('BQ20250006', '9876', TEA),
};

/** The 19-character Code 39 barcode of a paper e-invoice proof. */
const barcodeOf = (sim: SimInvoiceInput) =>
  `${periodOfDate(sim.invoiceDate)}${sim.invoiceNumber}${sim.randomCode}`;

/** The left QR code of an invoice (77-character head, then the first item) and the right one. */
function qrPairOf(sim: SimInvoiceInput) {
  const hex = (value: number) => value.toString(16).padStart(8, '0');
  const total = sim.totalAmount ?? 0;
  const head = `${sim.invoiceNumber}${rocDate(sim.invoiceDate)}${sim.randomCode}${hex(total)}${hex(total)}00000000${sim.sellerBan}${'A'.repeat(22)}==`;
  const [first, ...rest] = sim.items ?? [];
  const left = `${head}:**********:${rest.length + 1}:${rest.length + 1}:1:${first!.name}:${first!.quantity}:${first!.unitPrice}`;
  const right = `**${rest.map((item) => `:${item.name}:${item.quantity}:${item.unitPrice}`).join('')}`;
  return { left, right };
}

type QuickReplyAction = { type: string; label: string; data?: string; [key: string]: unknown };

describe('the chat asks for what a proof lacks (LINE simulator → webhook → worker)', () => {
  let kit: LineTestKit;

  const say = async (userId: string, body: Record<string, unknown>) => {
    const before = (await kit.botMessages(userId)).length;
    await kit.userSends(userId, body);
    await kit.drain();
    return (await kit.botMessages(userId)).slice(before);
  };
  const quickReplies = (answer: { messages: Record<string, unknown>[] } | undefined) =>
    (
      (answer?.messages.at(-1)?.quickReply as { items: { action: QuickReplyAction }[] } | undefined)?.items ??
      []
    ).map((item) => item.action);
  const memberId = async (lineUserId: string) => {
    const [member] = await kit.services.database.db
      .select()
      .from(members)
      .where(and(eq(members.brandId, kit.demo.brand.id), eq(members.lineUserId, lineUserId)));
    return member!.id;
  };
  const questionsOf = async (lineUserId: string) =>
    kit.services.database.db
      .select()
      .from(proofQuestions)
      .where(eq(proofQuestions.memberId, await memberId(lineUserId)));
  const submissionsOf = async (invoiceNumber: string) =>
    (await kit.services.database.db.select().from(submissions)).filter((row) =>
      JSON.stringify(row.rawInput).includes(invoiceNumber),
    );

  beforeAll(async () => {
    kit = await createLineTestKit({ invoices: Object.values(INVOICES) });
    for (const user of [XIAOMING, ALICE, SOMCHAI]) await say(user, { type: 'follow' });
  });
  afterAll(async () => {
    await kit?.close();
  });

  test('when a barcode comes alone, then the date is asked with a date picker and the days of its period, and nothing is refused', async () => {
    const answers = await say(XIAOMING, { type: 'text', text: barcodeOf(INVOICES.barcode) });

    expect(answers).toHaveLength(1);
    const texts = textsOf(answers[0]!.messages);
    expect(texts).toContain('請問是哪一天購買的？');
    expect(texts).toContain('BQ20250001');
    expect(texts).not.toContain('請確認輸入內容');
    const actions = quickReplies(answers[0]);
    const today = taipeiDaysAgo(0);
    expect(actions[0]).toMatchObject({ type: 'datetimepicker', mode: 'date', max: today });
    expect(String(actions[0]!.min).slice(0, 7) <= PURCHASE_DATE.slice(0, 7)).toBe(true);
    const days = actions.filter((action) => action.type === 'postback');
    expect(days.length).toBeGreaterThanOrEqual(4);
    expect(days.map((action) => action.displayText)).toContain(PURCHASE_DATE);
    expect(await submissionsOf('BQ20250001')).toHaveLength(0);
    expect(await questionsOf(XIAOMING)).toMatchObject([
      {
        state: 'open',
        partial: { missing: 'invoice_date', invoiceNumber: 'BQ20250001', randomCode: '4321' },
      },
    ]);
  });

  test('when the day is tapped, then the proof is verified and rewarded once, even if LINE delivers the tap three times', async () => {
    const asked = (await kit.botMessages(XIAOMING)).at(-1);
    const day = quickReplies(asked).find((action) => action.displayText === PURCHASE_DATE)!;

    const answers = await say(XIAOMING, {
      type: 'postback',
      data: day.data,
      displayText: PURCHASE_DATE,
      times: 3,
    });

    expect(answers).toHaveLength(1);
    expect(textsOf(answers[0]!.messages)).toContain('登錄成功！');
    const rows = await submissionsOf('BQ20250001');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'rewarded', kind: 'einvoice_qr' });
    const ledger = await kit.services.database.db
      .select()
      .from(pointsLedger)
      .where(eq(pointsLedger.memberId, await memberId(XIAOMING)));
    expect(ledger.filter((row) => row.submissionId === rows[0]!.id)).toHaveLength(1);
    expect((await questionsOf(XIAOMING)).map((row) => row.state)).toEqual(['answered']);
  });

  test('when the same day is tapped again later, then the member is told nothing waits for it', async () => {
    const [question] = await questionsOf(XIAOMING);
    const answers = await say(XIAOMING, {
      type: 'postback',
      data: `action=proof_date&q=${question!.id}&d=${PURCHASE_DATE}`,
    });

    expect(textsOf(answers[0]!.messages)).toContain('目前沒有等候中的問題');
    expect(await submissionsOf('BQ20250001')).toHaveLength(1);
  });

  test('when the date picker is used, then the picked day completes the proof', async () => {
    const asked = await say(ALICE, { type: 'text', text: `*${barcodeOf(INVOICES.picker)}*` });
    const picker = quickReplies(asked[0]).find((action) => action.type === 'datetimepicker')!;
    expect(textsOf(asked[0]!.messages)).toContain('When did you buy it?');

    const answers = await say(ALICE, {
      type: 'postback',
      data: picker.data,
      params: { date: PURCHASE_DATE },
    });

    expect(textsOf(answers[0]!.messages)).toContain('Accepted!');
    expect(await submissionsOf('BQ20250002')).toMatchObject([{ state: 'rewarded' }]);
  });

  test('when a day outside the period is typed, then the question is asked again saying why; a good day then completes it', async () => {
    await say(XIAOMING, { type: 'text', text: barcodeOf(INVOICES.typed) });

    const wrong = await say(XIAOMING, { type: 'text', text: '2019-01-05' });
    const chat = await say(XIAOMING, { type: 'text', text: '你好' });
    const [year, month, day] = PURCHASE_DATE.split('-');
    const right = await say(XIAOMING, { type: 'text', text: `${Number(year) - 1911}/${month}/${day}` });

    expect(textsOf(wrong[0]!.messages)).toContain('日期與發票期別不符');
    expect(textsOf(wrong[0]!.messages)).toContain('請問是哪一天購買的？');
    expect(textsOf(chat[0]!.messages)).toContain('還在等您提供：');
    expect(textsOf(right[0]!.messages)).toContain('登錄成功！');
    expect(await submissionsOf('BQ20250003')).toMatchObject([{ state: 'rewarded' }]);
  });

  test('when a right QR code comes alone, then the left one is asked for, and pasting it completes the proof with the items of both', async () => {
    const { left, right } = qrPairOf(INVOICES.pair);

    const asked = await say(SOMCHAI, { type: 'text', text: right });
    const answers = await say(SOMCHAI, { type: 'text', text: left });

    expect(textsOf(asked[0]!.messages)).toContain('กรุณาส่ง QR code ด้านซ้าย');
    expect(quickReplies(asked[0]).map((action) => action.type)).toEqual(['camera', 'cameraRoll']);
    expect(textsOf(answers[0]!.messages)).toContain('ผ่านแล้ว!');
    const [row] = await submissionsOf('BQ20250004');
    const parsed = (row!.rawInput as { parsed: { items: { name: string }[]; itemsComplete: boolean } })
      .parsed;
    expect(parsed.items.map((item) => item.name)).toEqual(['好茶綠茶', '好茶紅茶']);
    expect(parsed.itemsComplete).toBe(true);
  });

  test('when another proof arrives while a date is asked, then the question is dropped politely and the new proof answered', async () => {
    await say(SOMCHAI, { type: 'text', text: barcodeOf(INVOICES.thai) });

    const answers = await say(SOMCHAI, {
      type: 'text',
      text: `${INVOICES.other.invoiceNumber} ${rocDate(PURCHASE_DATE)} ${INVOICES.other.randomCode}`,
    });

    expect(answers).toHaveLength(1);
    const texts = textsOf(answers[0]!.messages);
    expect(texts).toContain('หยุดรอวันที่ของใบกำกับภาษี BQ20250006 แล้ว');
    expect(texts).toContain('ผ่านแล้ว!');
    expect(answers[0]!.messages).toHaveLength(2);
    expect((await questionsOf(SOMCHAI)).find((row) => row.partial.missing === 'invoice_date')).toMatchObject({
      state: 'cancelled',
    });
    expect(await submissionsOf('BQ20250006')).toHaveLength(0);
  });

  test('when the answer comes after the question lapsed, then the member is told to send the invoice again', async () => {
    await say(SOMCHAI, { type: 'text', text: barcodeOf(INVOICES.thai) });
    const open = (await questionsOf(SOMCHAI)).find((row) => row.state === 'open')!;
    await kit.services.database.db
      .update(proofQuestions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(proofQuestions.id, open.id));

    const answers = await say(SOMCHAI, { type: 'text', text: PURCHASE_DATE });

    expect(textsOf(answers[0]!.messages)).toContain('คำถามนี้หมดเวลาแล้ว');
    expect((await questionsOf(SOMCHAI)).find((row) => row.id === open.id)?.state).toBe('expired');
    expect(await submissionsOf('BQ20250006')).toHaveLength(0);
  });

  test("when a member taps another member's question, then nothing of it is used", async () => {
    const asked = await say(SOMCHAI, { type: 'text', text: barcodeOf(INVOICES.thai) });
    const day = quickReplies(asked[0]).find((action) => action.displayText === PURCHASE_DATE)!;

    const answers = await say(ALICE, { type: 'postback', data: day.data });

    expect(textsOf(answers[0]!.messages)).toContain('Nothing is waiting for this answer');
    expect(await submissionsOf('BQ20250006')).toHaveLength(0);
  });
});
