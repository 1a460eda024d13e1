import { describe, expect, test } from '@jest/globals';
import { mayRefuseOnRule, parseReceiptText } from '../../core/receipts/index.js';
import {
  combineReadings,
  needsRefinement,
  passSource,
  passVoteWeight,
  refineReading,
} from '../../core/receipts/receipt-reader.js';
import { cleanName } from '../../core/receipts/receipt-store.models.js';
import { isIncludedTaxShare } from '../../core/receipts/receipt-total.models.js';

// Features that hold across receipts (issue #15), on rows as OCR returns them.
const now = new Date('2019-01-01T00:00:00Z');
const receipt = (...lines: string[]) =>
  parseReceiptText(
    lines.map((text) => ({ text })),
    { now },
  );
const totalOf = (...lines: string[]) => receipt(...lines).fields.totalMinor;

describe('store name — specks OCR read from a logo', () => {
  test('when a logo before a Thai or Chinese name is read as Latin specks with a Thai digit glued on, then they are dropped', () => {
    expect(cleanName('ov VU = - ๕ร้านค้าโชคดีพาณิชย์')).toBe('ร้านค้าโชคดีพาณิชย์');
    expect(cleanName('o) I - 全聯實業股份有限公司')).toBe('全聯實業股份有限公司');
  });

  test('when the name starts with a Latin word or a number of its own, then it stays', () => {
    expect(cleanName('CP ALL ร้านสาขา')).toBe('CP ALL ร้านสาขา');
    expect(cleanName('99 SPEED MART S/B')).toBe('99 SPEED MART S/B');
    expect(cleanName('7-ELEVEN 統一超商')).toBe('7-ELEVEN 統一超商');
  });
});

describe('Taiwan invoice numbers only on Taiwanese receipts', () => {
  test('when a Malaysian receipt prints a bill number shaped like one ("CS00012441"), then it is no paper invoice and needs no further pass', () => {
    const read = receipt(
      'KEDAI MAJU SDN BHD',
      'Tax Invoice No: CS00012441',
      'Date: 27/03/2018',
      'TOTAL RM 21.20',
      'CASH 50.00',
      'CHANGE 28.80',
    );
    expect(read.fields.invoiceNumber).toBeUndefined();
    expect(read.kind).toBe('receipt');
    expect(needsRefinement(read)).toBe(false);
  });

  test('when a Taiwanese paper invoice prints it, then it is still read', () => {
    const read = receipt(
      '統一發票(收銀機)',
      'XY-74684675',
      '統一編號 19447163',
      '113/12/27 09:15',
      '總計 $306',
    );
    expect(read.fields.invoiceNumber).toBe('XY74684675');
  });
});

describe('the vote over OCR passes', () => {
  const page = (count: number) => Array.from({ length: count }, () => ({}));

  test('when the page read as one block kept the rows of the first pass, then it counts fully', () => {
    expect(passVoteWeight('block', page(11), page(11))).toBe(1);
    expect(passVoteWeight('block', page(40), page(37))).toBe(1);
  });

  test('when the block pass joined columns into fewer rows, then it counts half', () => {
    expect(passVoteWeight('block', page(40), page(25))).toBe(0.5);
    expect(passVoteWeight('large', page(40), page(25))).toBe(1);
  });
});

describe('agreement between OCR passes counts only independent looks', () => {
  // A store and a date but no total: every further pass is asked for, the page read as one block first.
  const rows = ['KEDAI MAJU SDN BHD', 'Date: 27/03/2018', 'Cashier: 3'].map((text) => ({ text }));
  const first = parseReceiptText(rows, { now });

  test('when the page read as one block agrees with the plain pass, then the date is no surer than the plain pass alone', async () => {
    const asked: string[] = [];
    const combined = await refineReading(rows, {
      now,
      // Only the block pass reads anything: the other pages came out the same pixels (the reader skips them).
      readPass: async (name) => {
        asked.push(name);
        return name === 'block' ? rows : undefined;
      },
    });

    expect(asked[0]).toBe('block');
    expect(combined.fields.date).toBe('2018-03-27');
    expect(combined.confidence.date).toBe(first.confidence.date);
  });

  test('when a pass over other pixels (the larger page) agrees, then the agreement raises the confidence', async () => {
    const combined = await refineReading(rows, {
      now,
      readPass: async (name) => (name === 'large' ? rows : undefined),
    });

    expect(combined.confidence.date).toBeCloseTo(Math.min(0.99, first.confidence.date! + 0.05), 5);
  });

  test("when another engine's look agrees, then it is an independent look", () => {
    expect(passSource('block')).toBe(passSource('base'));
    expect(passSource('large')).not.toBe(passSource('base'));
    expect(passSource('base', { secondOpinion: true })).not.toBe(passSource('base'));
    const same = combineReadings([first, first], [1, 1], [passSource('base'), passSource('block')]);
    const other = combineReadings(
      [first, first],
      [1, 1],
      [passSource('base'), passSource('base', { secondOpinion: true })],
    );
    expect(same.confidence.date).toBe(first.confidence.date);
    expect(other.confidence.date).toBeGreaterThan(first.confidence.date!);
  });
});

describe('further OCR passes only where they can change the outcome', () => {
  const read = (date: string, confidence: number) =>
    parseReceiptText(
      [
        { text: 'KEDAI MAJU SDN BHD', confidence },
        { text: `Date: ${date} 12:17`, confidence },
        { text: 'TOTAL RM 21.20', confidence },
        { text: 'CASH 50.00', confidence },
        { text: 'CHANGE 28.80', confidence },
      ],
      { now },
    );

  test('when the only doubt is the order of day and month ("06/02/18", read surely), then no further pass is asked', () => {
    expect(read('06/02/18', 0.95).confidence.date).toBeLessThan(0.7);
    expect(needsRefinement(read('06/02/18', 0.95))).toBe(false);
  });

  test('when OCR was unsure of the date row, or the year is bent, then another pass is asked', () => {
    expect(needsRefinement(read('06/02/18', 0.6))).toBe(true);
    expect(needsRefinement(read('06-02-2618', 0.95))).toBe(true);
  });
});

describe('the total — the printed tax and what it is a share of', () => {
  test("a tax is the included share of a total at the country's rate: Thai VAT 7/107, Malaysian GST 6/106, within a minor unit", () => {
    expect(isIncludedTaxShare(53500, 3500, [7])).toBe(true);
    expect(isIncludedTaxShare(2120, 120, [6])).toBe(true);
    expect(isIncludedTaxShare(2000, 120, [6])).toBe(false);
    expect(isIncludedTaxShare(53500, 3745, [7])).toBe(false);
    expect(isIncludedTaxShare(100, 0, [7])).toBe(false);
  });

  test('when two rows labelled total disagree (one misread), then the one the printed GST is the 6 % share of wins', () => {
    const read = receipt(
      'KEDAI MAJU SDN BHD',
      'Date: 27/03/2018',
      'TOTAL 21.20',
      'GST 6% 1.20',
      'TOTAL 27.20',
    );
    expect(read.fields.totalMinor).toBe(2120);
  });

  test("when a Thai receipt's totals disagree, then the one the printed VAT is the 7/107 share of wins", () => {
    const read = receipt(
      'ร้านโชคดีพาณิชย์',
      'วันที่ 27/03/2561',
      'ยอดรวม 535.00',
      'ภาษีมูลค่าเพิ่ม 7% 35.00',
      'ยอดรวม 553.00',
    );
    expect(read.fields.totalMinor).toBe(53500);
  });

  test('when tesseract bent the Thai total and VAT labels and misread two digits of the total, then the items and the VAT 7/107 put it right', () => {
    const read = receipt(
      'รานคา โชคดพีาณชิย',
      'วนัที 25/04/2567 22:20',
      '2 ขาวหอมมะล ิ 5 กก 56.50',
      '2 นม เมจ ิ 830 มล 110.25',
      '2 ไขไก ่ เบอร ์ 1 uwAl0 168.75',
      '2 นวัดมี่สงิห์ 1.5 ล 154.50',
      '1 มาม า ร สหม สูบั 56.25',
      '3 ไขไก ่ เบอร ์ 1 แพคศค็ 10 237.50',
      'รวมทจงั้สนี้ 183.15',
      'ภาษมีลูคา เพมี 7% 51.27',
    );
    expect(read.fields.totalMinor).toBe(78375);
    expect(read.fields.vatMinor).toBe(5127);
  });

  test('when only one of the sums backs another amount, then the labelled total stands', () => {
    // The items add up to 783.75, but no VAT is printed: a discount may explain the difference.
    const read = receipt(
      'วันที่ 25/04/2567 22:20',
      '2 ข้าวหอมมะลิ 5 กก 600.00',
      '1 นมเมจิ 830 มล 183.75',
      'รวมทั้งสิ้น 783.15',
    );
    expect(read.fields.totalMinor).toBe(78315);
  });

  test('when the decimal point of a Thai total was read as a space (รวมทงัสนิ 537 50), then it is 537.50', () => {
    const read = receipt(
      'วนัที 28/03/2567 12:27',
      '3 นาวิปลาทพิรส 177.50',
      '2 โค้ก 1.25 ล 174.00',
      '3 ขนมปังฟาร์มเฮ้าส์ 186.00',
      'รวมทงัสนิ 537 50 ะม &',
      'ภาษมีลูคา เพมี่ 7% 35.16',
    );
    expect(read.fields.totalMinor).toBe(53750);
  });

  test('when items are priced before tax and no subtotal is printed, then items + tax backs the total', () => {
    const read = receipt(
      'KEDAI MAJU SDN BHD',
      'Date: 27/03/2018',
      'Description Qty Amount',
      'Roti Canai 12.00',
      'Teh Tarik 8.00',
      'TOTAL 21.20',
      'GST 6% 1.20',
      'TOTAL 21.26',
    );
    expect(read.fields.totalMinor).toBe(2120);
  });
});

describe('the total — rounding printed below it, a labelled total two sums contradict, a row that says what the total includes', () => {
  test.each([
    [
      'when a rounding is printed below the total and no total label follows it, then the rounded amount is paid',
      [
        'BANH MI CAFE SDN BHD',
        'Date: 27/03/2018',
        '1 SUONG NON 9.90',
        'Total (Inclusive of GST): 23.26',
        'Rounding Adj -0.01',
        'Server: Cashier A',
      ],
      2325,
    ],
    [
      'when the rounding is printed above the total, then the total already includes it',
      [
        'URBAN IDEA SDN BHD',
        'Date: 27/02/2018',
        '1 EDV Meal 11.90',
        'Cash Rounding -0.01',
        'Total (Eat In) 24.00',
      ],
      2400,
    ],
    [
      'when cash − change and the first total with its rounding agree on an amount a digit from the last total label, then that label was misread',
      [
        'POPULAR BOOK CO. (M) SDN BHD',
        'Date: 27/03/2018',
        'CORR. PEN 7.65',
        'PROFS RING FILE 6.99',
        'Total RM Incl. of GST 14.64',
        'Rounding Adj 0.01',
        'Total RM 14.85',
        'Cash 50.00',
        'CHANGE 35.35',
      ],
      1465,
    ],
    [
      // The change misread: cash − change backs no amount.
      'when a row reads "TOTAL INCLUDES 6% GST 0.63", then 0.63 is the tax and the amount paid is the total',
      [
        'GERBANG ALAF RESTAURANTS SDN BHD',
        'Date: 27/03/2018',
        '1 FiletOFish 11.10',
        'Cash Tendered 21.10',
        'Change 16.00',
        'TOTAL INCLUDES 6% GST 0.63',
      ],
      1110,
    ],
  ])('%s', (_title, lines, total) => {
    expect(totalOf(...lines)).toBe(total);
  });
});

describe('the seller tax number of a Malaysian receipt — its GST number', () => {
  test.each([
    'GSTID:000849813504',
    '(GST Reg No. 000849813504)',
    'GST REG N0 : 000849813504',
    'GST 1D:000849813504',
  ])(
    'when a GST number is printed on its label’s row as OCR bends it (%s), then it is the seller’s tax number',
    (row) => {
      const { fields } = receipt('KEDAI MAJU SDN BHD', row, 'Date: 27/03/2018', 'TOTAL 21.20');
      expect([fields.taxId, fields.taxIdKind]).toEqual(['000849813504', 'my']);
    },
  );

  test('when a GST number is read surely but the name is not, then the stores rule cannot refuse the photo without a reviewer (no check digit vouches for the number)', () => {
    const reading = receipt('GERBANG ALAF RESTAURANTS SON BHD', 'GST ID No: 000504664064', 'TOTAL 21.20');
    expect(reading.fields.taxIdKind).toBe('my');
    expect(reading.confidence.taxId).toBeLessThan(0.9);
    expect(mayRefuseOnRule(reading, 'stores')).toBe(false);
  });

  test('when 12 digits are printed without the label, or do not start 00, then no tax number is read', () => {
    expect(receipt('KEDAI MAJU SDN BHD', 'Inv 000849813504', 'TOTAL 21.20').fields.taxId).toBeUndefined();
    expect(receipt('KEDAI MAJU SDN BHD', 'GST ID: 120849813504', 'TOTAL 21.20').fields.taxId).toBeUndefined();
  });
});
