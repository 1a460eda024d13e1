import { describe, expect, test } from '@jest/globals';
import { findAmounts, findDates, parseReceiptText } from '../../core/receipts/index.js';
import { mergeReadings, needsRefinement } from '../../core/receipts/receipt-reader.js';

// OCR text as tesseract returns it for real Malaysian scans (retyped, not the images themselves).
const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((row) => ({ text: row.trim() }));
const now = new Date('2026-01-01T00:00:00Z');

describe('findDates — OCR slips in printed dates', () => {
  test('when the year\'s 0 was read as 6 ("12-02-2618"), then it is 2018 at a lower confidence', () => {
    // The parser bounds years by today (+1): 2618 is neither Gregorian nor a plausible Buddhist-era year.
    const [candidate] = findDates('12-02-2618 11:34:45 aM', { maxYear: 2027 });
    expect(candidate?.date).toBe('2018-02-12');
    expect(candidate?.confidence).toBeLessThan(0.75);
  });

  test('when a real year is printed, then it is not "repaired"', () => {
    expect(findDates('12-02-2018')[0]?.date).toBe('2018-02-12');
    expect(findDates('07-01-2567', { thai: true })[0]?.date).toBe('2024-01-07');
  });

  test('when a stray ~ and a lost year digit bend a day-first date ("O1- ~06- 018"), then it is 2018-06-01', () => {
    expect(findDates('Date : O1- ~06- 018 18: 21: 09')[0]?.date).toBe('2018-06-01');
  });

  test('when a 3-digit year is year-first, then it stays an ROC year', () => {
    expect(findDates('113/04/19')[0]?.date).toBe('2024-04-19');
  });

  test('when S or B stand for 5 or 8 inside a date, then they are read as digits', () => {
    expect(findDates('Date: 1S/0B/2018')[0]?.date).toBe('2018-08-15');
  });

  test('when the separators are lost ("27032018"), then it is read day-first, trusted least, and only alone', () => {
    const [candidate] = findDates('—— 27032018 No : CS-20243');
    expect(candidate?.date).toBe('2018-03-27');
    expect(candidate?.confidence).toBeLessThan(0.5);
    expect(findDates('Bill 03443008')).toEqual([]);
    expect(findDates('27032018 printed 28/03/2018').map((c) => c.date)).toEqual(['2018-03-28']);
  });
});

describe('parseReceiptText — the purchase date among several', () => {
  test('when one date is printed twice and another once, then the repeated one is the purchase date', () => {
    const receipt = parseReceiptText(
      lines(`
        KEDAI MAKAN SDN BHD
        21/06/18 10:08
        Nasi Lemak 4.50
        TOTAL 4.50
        27/06/18 09:49 - 27/06/18 10:08
      `),
      { now },
    );
    expect(receipt.fields.date).toBe('2018-06-27');
  });
});

describe('parseReceiptText — the total when OCR damaged its row', () => {
  test('when the total row lost its amount ("Total Amount: EET 1"), then cash minus change gives it, not the stray 1', () => {
    const receipt = parseReceiptText(
      lines(`
        ABC HO TRADING
        Plastic 2 15.50 31.00
        Total Amount: EET 1
        Cash Received © ~~ 101.00
        Change : 70.00
      `),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(3100);
    expect(receipt.checks.cashMinusChange).toBe(true);
  });

  test('when "Cash" is the total and "Cash Received" the note, then each cash value is tried against the change', () => {
    const receipt = parseReceiptText(
      lines(`
        DAGANG SOLARIS SDN BHD
        Fried Rice 3 Pax 1 71.00
        TOTAL 11.00
        Cash 71.00
        Cash Received 101.00
        Change 30.00
      `),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(7100);
  });

  test('when the cash amount is misread far above the subtotal, then the keyword total wins', () => {
    const receipt = parseReceiptText(
      lines(`
        SUB-TOTAL (EX) 16.98
        TOTAL gy Jf 18.00
        CASH a | 718.00
        CHANGE Wy 0.00
      `),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(1800);
  });

  test('when "Rounding" labels the rounded total and a card paid it, then the rounded amount is the total', () => {
    const receipt = parseReceiptText(
      lines(`
        Total Sale: (Inclusive GST) RM 177.22
        Rounding Adjustment RM =i
        Rounding RM 177,20
        CREDIT RM 177.20
      `),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(17720);
  });

  test('when a tax breakdown repeats one amount under "Total" twice, then it does not outvote "Total Payable"', () => {
    const receipt = parseReceiptText(
      lines(`
        Total o% supplies: 6.01
        Total 6% supplies (excl. GST): 26.68
        Total 6% supplies (Inc. GST): 28.2
        Total % supplies: 6.01
        Total Payable: 34.21
      `),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(3421);
  });

  test('when OCR bends the RM mark into RN or RW, then the amount is still read', () => {
    expect(findAmounts('MISTER POTATO CHIPS BB RN7.90')[0]?.minor).toBe(790);
    expect(findAmounts('CHEESE CHICK RW10.50')[0]?.minor).toBe(1050);
  });
});

describe('mergeReadings — a second OCR pass of the same photo', () => {
  const reading = (date: string, confidence: number) => ({
    ...parseReceiptText(lines(`KEDAI SDN BHD\nDate: ${date}\nTOTAL 4.50`), { now }),
    confidence: { date: confidence, totalAmount: 0.8, storeName: 0.8, overall: 0.5 },
  });

  test('when the re-read is only a little surer, then the first reading stays', () => {
    const merged = mergeReadings(reading('27/03/2018', 0.6), reading('21/03/2018', 0.65));
    expect(merged.fields.date).toBe('2018-03-27');
  });

  test('when the re-read is clearly surer or the first found nothing, then it replaces the first', () => {
    expect(mergeReadings(reading('20/08/2017', 0.6), reading('20/09/2017', 0.86)).fields.date).toBe(
      '2017-09-20',
    );
    const empty = { ...reading('20/08/2017', 0.6), fields: { items: [] }, confidence: { overall: 0 } };
    expect(mergeReadings(empty, reading('20/09/2017', 0.3)).fields.date).toBe('2017-09-20');
  });

  test('when the date is weak, then the reader asks for another pass', () => {
    expect(needsRefinement(reading('27/03/2018', 0.5))).toBe(true);
    expect(needsRefinement(reading('27/03/2018', 0.9))).toBe(false);
  });
});
