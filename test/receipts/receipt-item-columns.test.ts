import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';

const now = new Date('2024-12-31T00:00:00Z');
const items = (text: string) =>
  parseReceiptText(
    text.split('\n').map((row) => ({ text: row })),
    { now },
  ).fields.items.map(({ name, quantity, unitPriceMinor, amountMinor }) => ({
    name,
    quantity,
    unitPriceMinor,
    amountMinor,
  }));

describe('item rows printed as columns: quantity × unit price = amount', () => {
  test('when a TW paper invoice prints name, quantity, unit price and amount (`綠茶 2 120 240`), then it is 2 at 120, not 1 at 240', () => {
    const read = items(`統一發票(收銀機)
113年07-08月
NB-81592732
好茶小舖股份有限公司
統一編號 41308128
113/07/06 16:15
綠茶 2 120 240
紅茶 1 35 35
總計 $275`);
    expect(read).toEqual([
      { name: '綠茶', quantity: 2, unitPriceMinor: 12000, amountMinor: 24000 },
      { name: '紅茶', quantity: 1, unitPriceMinor: 3500, amountMinor: 3500 },
    ]);
  });

  test('when the quantity is marked (`2x`, `x2`, `@120`) or printed after the unit price, then the product decides', () => {
    const read = items(`KEDAI MAJU SDN BHD
Date: 12/03/2024
MILO 2x 3.50 7.00
ROTI x3 1.20 3.60
TEH TARIK 2 @1.80 3.60
NASI LEMAK 4.50 2 9.00
TOTAL 23.20`);
    expect(read.map(({ quantity, unitPriceMinor }) => [quantity, unitPriceMinor])).toEqual([
      [2, 350],
      [3, 120],
      [2, 180],
      [2, 450],
    ]);
    expect(read.map((item) => item.name)).toEqual(['MILO', 'ROTI', 'TEH TARIK', 'NASI LEMAK']);
  });

  test('when a Thai receipt prints quantity, unit price and amount, then they are read the same way', () => {
    const read = items(`มินิมาร์ท บ้านสวน
เลขประจําตัวผู้เสียภาษี 9175680647138
วันที่ 07/01/2568 20:37
มาม่า 3 5.50 16.50
โค้ก 1.25 ล 1 18.00 18.00
รวมทั้งสิ้น 34.50`);
    expect(
      read.map(({ quantity, unitPriceMinor, amountMinor }) => [quantity, unitPriceMinor, amountMinor]),
    ).toEqual([
      [3, 550, 1650],
      [1, 1800, 1800],
    ]);
  });

  test('when the numbers before the amount do not multiply to it, then no quantity is invented', () => {
    const read = items(`KEDAI MAJU SDN BHD
Date: 12/03/2024
PAPER A4 80GSM 12.90
TOTAL 12.90`);
    expect(read).toEqual([
      { name: 'PAPER A4 80GSM', quantity: 1, unitPriceMinor: undefined, amountMinor: 1290 },
    ]);
  });
});
