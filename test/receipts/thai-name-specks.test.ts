import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';
import { toLines } from '../../core/receipts/receipt-lines.models.js';
import { withoutUnsureTrailingSpeck } from '../../core/receipts/thai-name-specks.models.js';

/** A row as tesseract reads it: its words, each with its confidence. */
const row = (...words: [string, number][]) => ({
  text: words.map(([text]) => text).join(' '),
  confidence: 0.91,
  words: words.map(([text, confidence]) => ({ text, confidence })),
});

/** A Thai receipt under its name row (th-receipt-w2 of the held-out tuning part, as tesseract read it). */
const thaiReceipt = (name: ReturnType<typeof row>) =>
  parseReceiptText(
    [
      name,
      row(['สาขา', 0.95], ['0156', 0.96], ['ถ.สาทรใต้', 0.95], ['เขตสาทร', 0.96]),
      row(['เลขประจำตัวผู้เสียภาษี', 0.93], ['5316810645240', 0.92]),
      row(['วันที่', 0.95], ['01/12/2567', 0.95], ['10:05', 0.95]),
      row(['รวมทั้งสิ้น', 0.95], ['53.24', 0.95]),
    ],
    { now: new Date('2025-06-01T00:00:00Z') },
  );

describe('withoutUnsureTrailingSpeck — a speck tesseract read unsurely after a Thai name', () => {
  test('when the row ends in one or two Thai characters read unsurely after a word read surely, then they are dropped', () => {
    const [line] = toLines([row(['ลอว์สัน', 0.96], ['108', 0.96], ['ฉะ', 0.62])]);

    expect(withoutUnsureTrailingSpeck(line!).text).toBe('ลอว์สัน 108');
  });

  test.each([
    // The name's own short last word, read as surely as the rest.
    [row(['ร้านค้า', 0.95], ['ทอง', 0.95], ['ดี', 0.94])],
    // The word before is unsure too: the whole row is doubtful, not one speck beside it.
    [row(['ร้านค้า', 0.95], ['ทอง', 0.6], ['ดี', 0.55])],
    // Three characters or more, or not Thai, is no speck of this kind.
    [row(['ลอว์สัน', 0.96], ['108', 0.96], ['ฉะเชิง', 0.62])],
    [row(['ลอว์สัน', 0.96], ['108', 0.96], ['os', 0.4])],
  ])('when the row reads %j, then it is kept whole', (input) => {
    const [line] = toLines([input]);

    expect(withoutUnsureTrailingSpeck(line!).text).toBe(line!.text);
  });

  test('when a Thai receipt read its chain name with a speck after its number, then the store is the chain without it', () => {
    const receipt = thaiReceipt(row(['ลอว์สัน', 0.96], ['108', 0.96], ['ฉะ', 0.62]));

    expect(receipt.fields.storeName).toBe('ลอว์สัน 108');
  });
});
