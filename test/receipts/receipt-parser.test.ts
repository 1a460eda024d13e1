import { describe, expect, test } from '@jest/globals';
import { findDates, findTimes, isValidThaiTaxId, parseReceiptText } from '../../core/receipts/index.js';

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((row) => ({ text: row.trim() }));
const now = new Date('2026-01-01T00:00:00Z');

describe('parseReceiptText — Thai receipts', () => {
  // As tesseract read th-receipt-1-clean.png (spaces inside words and a split VAT row included).
  const thai = `
    มินิมาร์ท บ้านส วน
    สาขา 045 ถ . มิตร ภาพ อ . เมืองขอนแก่น
    เลขประจําตัวผู้เสียภาษี 9175680647138
    ใบ เสร็จรับ เงิน / ใบกํากับภาษีอย่างย่อ
    วันที่ 07/01/2568 20:37
    3 ม าม่า รสตัมยํากุ้ง 151.50
    1 โค้ก 1.25 ล 93.75
    1 ขน มปังฟาร์มเฮ้าส์ 67.75
    2 ขนมปังฟาร์มเฮ้าส์ 150.50
    1 โอวัลติน 57.50
    รวมทังสิน 521.00
    ภาษีมูลค่า เพิ่ม 7%
    34.08
    ขอบคุณที่ใช้บริการ`;

  test('when a Buddhist-era receipt is read, then date, time, tax ID, total, VAT and items come out', () => {
    const receipt = parseReceiptText(lines(thai), { now });

    expect(receipt.kind).toBe('receipt');
    expect(receipt.currency).toBe('THB');
    expect(receipt.fields).toMatchObject({
      storeName: 'มินิมาร์ทบ้านสวน',
      date: '2025-01-07',
      time: '20:37',
      taxId: '9175680647138',
      taxIdKind: 'th',
      totalMinor: 52100,
      vatMinor: 3408,
    });
    expect(receipt.fields.branch).toMatch(/^สาขา 045/);
    expect(receipt.fields.items).toHaveLength(5);
    expect(receipt.fields.items[0]).toMatchObject({ quantity: 3, amountMinor: 15150 });
    expect(receipt.checks.itemsSum).toBe(true);
    expect(receipt.confidence.totalAmount).toBeGreaterThan(0.75);
  });

  test('when the date is "6 ส.ค. 67" (Thai month, two-digit Buddhist year), then it is 2024-08-06', () => {
    const receipt = parseReceiptText(
      lines(`ห้างสรรพสินค้า ศรีสยาม\nวันที่ 6 ส . ค . 67 13:06\n2 น้ำปลาทิพรส 127.00\nรวมทั้งสิ้น 127.00`),
      { now },
    );

    expect(receipt.fields.date).toBe('2024-08-06');
    expect(receipt.fields.time).toBe('13:06');
    expect(receipt.fields.totalMinor).toBe(12700);
  });

  test('when "ยอดรวม" is followed by a cash and change line, then the total is not the cash', () => {
    const receipt = parseReceiptText(
      lines(`ร้านสะดวกซื้อ\n12/01/2567\nกาแฟ 45.00\nยอดรวม 45.00\nเงินสด 100.00\nเงินทอน 55.00`),
      { now },
    );

    expect(receipt.fields.totalMinor).toBe(4500);
    expect(receipt.checks.cashMinusChange).toBe(true);
  });

  test('Thai tax ID check digit', () => {
    expect(isValidThaiTaxId('0105536092641')).toBe(true);
    expect(isValidThaiTaxId('0105536092642')).toBe(false);
  });
});

describe('parseReceiptText — Taiwanese paper invoices', () => {
  const taiwan = `
    統一發票 (收銀機 )
    113 年 07-08 月
    NB-81592732
    萊 爾 富國 際 股份 有限 公司 高 雄 店
    高 雄市倒 雅 區四維 三路 10 號
    統一 編號 41308128
    113/07/06 16:15
    多 力 多滋 x1 51TX
    多 力 多 滋 X1 82TX
    茶 裏 王 日 式 綠茶 600mlx1 105TX
    總計 $238`;

  test('when a cash-register invoice is read, then number, ROC date, seller BAN and total come out', () => {
    const receipt = parseReceiptText(lines(taiwan), { now });

    expect(receipt.kind).toBe('paper-invoice');
    expect(receipt.currency).toBe('TWD');
    expect(receipt.fields).toMatchObject({
      invoiceNumber: 'NB81592732',
      date: '2024-07-06',
      time: '16:15',
      taxId: '41308128',
      taxIdKind: 'tw',
      totalMinor: 23800,
    });
    expect(receipt.fields.storeName).toBe('萊爾富國際股份有限公司高雄店');
    expect(receipt.fields.items.map((item) => item.amountMinor)).toEqual([5100, 8200, 10500]);
    expect(receipt.checks.itemsSum).toBe(true);
  });

  test('when the date is written 民國113年4月19日 or 2024年4月19日, then both are 2024-04-19', () => {
    expect(findDates('民國113年4月19日')[0]?.date).toBe('2024-04-19');
    expect(findDates('2024年4月19日')[0]?.date).toBe('2024-04-19');
    expect(findDates('113/04/19')[0]?.date).toBe('2024-04-19');
  });

  test('when the total is labelled 合計, then it is the total', () => {
    const receipt = parseReceiptText(
      lines(`全家便利商店股份有限公司新莊店\n2025/12/06 14:29\n維大力 x1 35\n合計 35`),
      { now },
    );

    expect(receipt.fields.totalMinor).toBe(3500);
    expect(receipt.fields.date).toBe('2025-12-06');
  });
});

describe('parseReceiptText — English receipts (OCR of real scans)', () => {
  test('when the grand total row also holds the cash column, then each label keeps its own amount', () => {
    const receipt = parseReceiptText(
      lines(`SUPER STORE SDN BHD
      Date: 19-04-18 18:04
      9553114461423 1 X 25.90 25.90
      9064350 1X 0.90 0.90
      Total Incl. GST@6% RM 26.80 CASH RM 100.00
      CHANGE RM 73.20`),
      { now },
    );

    expect(receipt.fields.totalMinor).toBe(2680);
    expect(receipt.fields.date).toBe('2018-04-19');
    expect(receipt.checks.cashMinusChange).toBe(true);
    expect(receipt.currency).toBe('MYR');
  });

  test('when subtotal, GST and rounding are printed, then the total is the rounded one, not the subtotal or the GST summary', () => {
    const receipt = parseReceiptText(
      lines(`TEO HENG STATIONERY & BOOKS
      Receipt No.: CS1801/27037 Date: 23/01/2018
      TP-24 5 1.32 6.60
      DOUBLE SIDED TAPE 5 2.08 10.38
      SUB-TOTAL (EX) 16.98
      TOTAL TAX 1.02
      ROUNDING 0.00
      TOTAL 18.00
      CASH 18.00 CHANGE 0.00
      GST SUMMARY
      SR 6.00 16.98 1.02
      TOTAL: 16.98 1.02`),
      { now },
    );

    expect(receipt.fields.totalMinor).toBe(1800);
    expect(receipt.fields.subtotalMinor).toBe(1698);
    expect(receipt.fields.date).toBe('2018-01-23');
    expect(receipt.checks.subtotalPlusTax).toBe(true);
  });

  test('when the amount is OCR-split ("65. 20") and the label is "TOTAL RM", then it reads 65.20', () => {
    const receipt = parseReceiptText(
      lines(`RESTAURANT JIAWEI HOUSE\nDate - 9/3/2018 20:54:50\nSub Total RM 65. 20\nTOTAL RM 65. 20`),
      { now },
    );

    expect(receipt.fields.totalMinor).toBe(6520);
    expect(receipt.fields.date).toBe('2018-03-09');
    expect(receipt.fields.time).toBe('20:54');
  });

  test('when the date has an English month, then it is read', () => {
    expect(findDates('27 Mar 2018 18:46')[0]?.date).toBe('2018-03-27');
    expect(findDates('Mar 27, 2018')[0]?.date).toBe('2018-03-27');
    expect(findTimes('8:01:11 PM')[0]?.time).toBe('20:01');
    expect(findTimes('12.50')).toEqual([]);
  });

  test('when nothing on the paper is a receipt, then no total or date and overall confidence is low', () => {
    const receipt = parseReceiptText(lines(`hello\nthis is a cat`), { now });

    expect(receipt.fields.totalMinor).toBeUndefined();
    expect(receipt.fields.date).toBeUndefined();
    expect(receipt.confidence.overall).toBeLessThan(0.2);
  });
});
