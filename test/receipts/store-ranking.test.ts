import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';
import { rankStoreRows, STORE_ROW_WEIGHTS } from '../../core/receipts/receipt-store.models.js';
import { toLines } from '../../core/receipts/receipt-lines.models.js';

const now = new Date('2018-12-31T00:00:00Z');
const lines = (text: string) => text.split('\n').map((row) => ({ text: row, confidence: 0.95 }));
const read = (text: string) => parseReceiptText(lines(text), { now }).fields.storeName;

describe('store name — features that hold across receipts', () => {
  test('every row is scored as the weighted sum of its features', () => {
    const { scored } = rankStoreRows(toLines(lines('KEDAI BUKU MAJU\nNO 9 JALAN 1\nTOTAL 9.90')), {
      thai: false,
      chinese: false,
    });
    for (const row of scored) {
      const sum = Object.entries(row.features).reduce(
        (total, [name, value]) => total + STORE_ROW_WEIGHTS[name as keyof typeof STORE_ROW_WEIGHTS] * value,
        0,
      );
      expect(row.score).toBeCloseTo(sum, 9);
    }
    expect(scored[0]!.value).toBe('KEDAI BUKU MAJU');
  });

  test('when a company printed below the date (the customer billed) carries a company word, then the seller above still wins — also when the date beside its label is too bent to read', () => {
    for (const dateRow of ['Date: 18/09/2017', 'Vivo id Date: 18/709./2017'])
      expect(
        read(
          `GARDENIA BAKERIES\nLot 3, Jalan Pelabur 23/1\nTAX INVOICE\n${dateRow}\nMAKASSAR FRESH MARKET SDN BHD\nGROUND FLOOR NO.4\nTOTAL 9.90`,
        ),
      ).toBe('GARDENIA BAKERIES');
  });

  test('when OCR reads an I into the legal suffix ("SDN BHID") and look-alike letters into the registration ("(I393S6X)"), then the entity row is read as one', () => {
    expect(read('GARDENIA BAKERIES (KL) SDN BHID (I393S6X)\nLot 3, Jalan Pelabur\nTOTAL 9.90')).toBe(
      'GARDENIA BAKERIES (KL) SDN BHD',
    );
  });

  test('when a business\'s registration number with its state\'s letters ("(JM0517726-X)") is printed below a row, then that row is the name, not a handwritten line above', () => {
    expect(read('tan woon yann\nYONGFATT\n(JM0517726-X)\nNO.122, JALAN DEDAP 13\nTOTAL 9.90')).toBe(
      'YONGFATT',
    );
    expect(read('tan woon yann\nYONGFATT\n(M0517726)\nNO.122, JALAN DEDAP 13\nTOTAL 9.90')).toBe('YONGFATT');
  });

  test('when OCR reads more text after the legal suffix (a registration number bent, specks, a label), then the name ends at the suffix', () => {
    expect(read('BEMED (SP) SDN BHD if wie Cr A= 7.\nNO 5 JALAN 1\nTOTAL 9.90')).toBe('BEMED (SP) SDN BHD');
    expect(read('SELASIH EKSLUSIF SDN BHD (B24101-D1) - =\nNO 5 JALAN 1\nTOTAL 9.90')).toBe(
      'SELASIH EKSLUSIF SDN BHD',
    );
    expect(read('SOON FATT S/B (B1497-P)\nLOT 1504, JALAN KLANG LAMA\nTOTAL 9.90')).toBe('SOON FATT S/B');
    // …and a name with nothing after its suffix left whole (the suffix's dots are the lexicon's to tidy).
    expect(read('S.H.H. MOTOR (SUNGAI RENGIT) SDN. BHD.\nNO 5 JALAN 1\nTOTAL 9.90')).toBe(
      'S.H.H. MOTOR (SUNGAI RENGIT) SDN BHD',
    );
    expect(read('AEON CO. (M) BHD\nNO 5 JALAN 1\nTOTAL 9.90')).toBe('AEON CO. (M) BHD');
  });

  test('when a company name wraps onto a row that holds more after its suffix, then the joined name ends at the suffix', () => {
    expect(read('POPULAR BOOK\nCO. (M) SDN BHD ho Ne. 1138826\nNO 5 JALAN 1\nTOTAL 9.90')).toBe(
      'POPULAR BOOK CO. (M) SDN BHD',
    );
  });
});

describe('store name — the registration number printed under the name, and rows that never name it', () => {
  test('when a registration number is printed under a row with its label ("Reg No:", "Co-REG:", "Company Reg. No. :", "BRN:"), then that row is the name', () => {
    for (const registration of [
      'Reg No: 1203194-W',
      'Co-REG:860671-D',
      'Company Reg. No. : 725186-V',
      'BRN:631002-U',
    ])
      expect(read(`tan woon yann\nWARAKUYA\n${registration}\nNO 5 JALAN 1\nTOTAL 9.90`)).toBe('WARAKUYA');
  });

  test('when an e-mail address is printed above the name, then it is not taken for the name', () => {
    expect(read('info@majujaya.com.my\nMAJU JAYA\nNO 5 JALAN 1\nTOTAL 9.90')).toBe('MAJU JAYA');
    expect(read('Emall: sales at majujaya\nMAJU JAYA\nNO 5 JALAN 1\nTOTAL 9.90')).toBe('MAJU JAYA');
  });

  test('when a name holds an @ that is no e-mail address ("KOPITIAM @ SS2"), then it stays the name', () => {
    expect(read('KOPITIAM @ SS2\nNO 13 JLN TASIK UTAMA 8\nTOTAL 9.90')).toBe('KOPITIAM @ SS2');
    expect(read('STARBUCKS @ KLCC\nLOT 1, SURIA KLCC\nTOTAL 9.90')).toBe('STARBUCKS @ KLCC');
  });
});

describe('store name — what tesseract bends around the name', () => {
  test('when the first digit of the registration number beside the name is read as a letter ("(R1497-F)"), then the row is still the name, without it', () => {
    expect(
      // Tesseract's reading of the scan: its S/B bent too, which leaves the row too few letters with the number.
      read(
        'YONG SOON FATT 8/2 (R1497-F)\nLOT 1504, JALAN KLANG LAMA,\n44000 PETALING JAYA, SELANGOR.\nTOTAL 9.90',
      ),
    ).toBe('YONG SOON FATT 8/2');
  });

  test('when a bar stands between or after capital words, then it is left as read: a printed separator or the border, not an I', () => {
    // A rule gluing such a bar to its word as an I was drawn from one shop's scans and bent these (review F3).
    expect(read('MAJU TRADING |\nNO 13 JLN TASIK UTAMA 8\nTOTAL 9.90')).toBe('MAJU TRADING');
    expect(read('SHELL | SELECT\nNO 13 JLN TASIK UTAMA 8\nTOTAL 9.90')).toBe('SHELL | SELECT');
  });
});
