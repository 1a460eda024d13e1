import { describe, expect, test } from '@jest/globals';
import { findAmounts, findDates, findTimes, parseReceiptText } from '../../core/receipts/index.js';
import { separateGluedTime } from '../../core/receipts/receipt-dates.models.js';
import { combineReadings, needsRefinement } from '../../core/receipts/receipt-reader.js';

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

  test('when the time is glued to the year (PaddleOCR drops spaces), then date and time are both read', () => {
    expect(findDates('09/03/201821:28 0001')[0]?.date).toBe('2018-03-09');
    expect(findDates('27Mar201818:46')[0]?.date).toBe('2018-03-27');
    expect(findTimes('Date:9/3/201820:54:50')[0]?.time).toBe('20:54');
    expect(findDates('Date 06/01/1812.17:26PM')[0]?.date).toBe('2018-01-06');
    expect(findDates('113/12/2709:15')[0]?.date).toBe('2024-12-27');
    expect(findTimes('114/05/1617:00')[0]?.time).toBe('17:00');
    // A two-digit year is split off before a time with seconds or a two-digit hour and a colon (four
    // digits before the colon: SROIE tuning scans 063, 085, 097, 153 as PaddleOCR reads them)…
    expect(findDates('26/02/1808:281088609')[0]?.date).toBe('2018-02-26');
    expect(findDates('28-12-1718:52 SH01ZT09')[0]?.date).toBe('2017-12-28');
    expect(findTimes('12/01/1816:52 Slip No.: 0020070154')[0]?.time).toBe('16:52');
    // …never before what cannot be an hour, and a four-digit year before a one-digit hour stays whole.
    expect(separateGluedTime('1/2/1825:30')).toBe('1/2/1825:30');
    expect(separateGluedTime('1/2/20189:30')).toBe('1/2/2018 9:30');
  });

  test('when tesseract sets a stray mark on a Thai month abbreviation ("ก ุ ย . 67"), then the month is still read', () => {
    const [september] = findDates('วันที่ 14 ก ุ ย . 67 15:35', { thai: true });
    expect(september?.date).toBe('2024-09-14');
    expect(september?.confidence).toBeLessThan(0.9);
    expect(findDates('วันที่ 18 พ . ุย . 68 13:56', { thai: true })[0]?.date).toBe('2025-11-18');
    // ี and ิ are part of the abbreviation: มี.ค. is March, ม.ค. January.
    expect(findDates('3 มี.ค. 68', { thai: true })[0]?.date).toBe('2025-03-03');
    expect(findDates('3 ม.ค. 68', { thai: true })[0]?.date).toBe('2025-01-03');
    expect(findDates('3 ม่.ค. 68', { thai: true })[0]?.date).toBe('2025-01-03');
  });

  test('when a label ends with a dot against the date ("Date.28/12/2017"), then the date is read', () => {
    expect(findDates('Doc No CS00012441 Date.28/12/2017')[0]?.date).toBe('2017-12-28');
    expect(findDates('1.23/45/2018')).toEqual([]);
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
  test('when a tilted photo puts the marked total on the row above its label ("$770" / "總計"), then it is the total', () => {
    const receipt = parseReceiptText(
      lines(`
        統一發票(收銀機)
        113年07-08月
        QC-84849267
        大潤發流通事業股份有限公司內湖店
        統一編號21257391
        113/07/2112:57
        22TX
        統一布丁x1
        384TX
        舒跑運動飲料x1
        364TX
        乖乖奶油椰子x2
        共3
        $770
        總計
      `),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(77000);
  });

  test('when the row above a bare total label holds an unmarked amount, then it is not taken (the last price)', () => {
    const receipt = parseReceiptText(
      lines(`
        KEDAI RUNCIT ABC
        Date: 12/03/2018
        Milo 3.50
        Bread 2.00
        TOTAL
        Cash 10.00
        Change 4.50
      `),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(550);
  });

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

describe('findDates — a stale year bent by one digit', () => {
  test('when a proof read in 2018 says 2007, then it is 2017 at a lower confidence', () => {
    const [candidate] = findDates('RECEIPT #: CSPO397224 DATE: 13/07/2007', { recentYear: 2018 });
    expect(candidate?.date).toBe('2017-07-13');
    expect(candidate?.confidence).toBeLessThan(0.75);
  });

  test('when the old year is not one digit from a recent one, or is recent, then it stays as printed', () => {
    expect(findDates('13/07/2007', { recentYear: 2026 })[0]?.date).toBe('2007-07-13');
    expect(findDates('13/07/2016', { recentYear: 2018 })[0]?.date).toBe('2016-07-13');
    expect(findDates('13/07/2007')[0]?.date).toBe('2007-07-13');
  });
});

describe('totals — OCR slips around the total', () => {
  // SROIE tuning scan 077 as PaddleOCR reads it.
  test('when a total, a rounding and the rounded total are all printed, then the rounded total is what is paid', () => {
    const receipt = parseReceiptText(
      lines(`Total (Excluding GST): 21.30
Serv.Charge(3%): 0.65
GST payable（6%): 1.31
Total (Inclusive of GST): 23.26
Rounding Adj: -0.01
TOTAL : 23.25`),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(2325);
  });

  // SROIE tuning scan 003 as PaddleOCR reads it: "Inclusive" bent to "lnclusivo".
  test('when the label of the total including tax is bent, then its amount is not taken for the tax', () => {
    const receipt = parseReceiptText(
      lines(`Total Sales(Excluding GST) 80.91
Discount 000
TotalGST 0.00
Total Salos(lnclusivoof GST)： 80.90
CASH: 100.00
80.90 Change: 19.10`),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(8090);
    expect(receipt.fields.vatMinor ?? 0).toBe(0);
  });

  test('when the grand total\'s label is bent ("Total Paydble") beside per-rate totals, then the grand total wins', () => {
    const receipt = parseReceiptText(
      lines(`O.C JUMBO 2.97 5 0 5 14.85
Total 0% supplies: 35.14
CR-CHOCLT 0.72 20 0 0 20 14.40
Total 6% supplies (excl. GST): 36.24
GST: 2.17
Total 6% supplies (Inc. GST): 38.41
Total 0% supplies: 35.14
Total Paydble: 73.55`),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(7355);
  });

  test('when the total lost its decimal point ("1045"), then cash − change tells it is 10.45', () => {
    const receipt = parseReceiptText(
      lines('Item Discount 10% -1.16\nRounding Adj 0.01\nTotal Inclusive GST: 1045\nCASH 20.00\nChange 9.55'),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(1045);
  });

  test('when OCR bends RM into RI4 or drops its M, then the amount is still read as money', () => {
    expect(findAmounts('Talal vales RI4367.10')[0]).toMatchObject({ minor: 36710, currencyMark: 'RI4' });
    expect(findAmounts('nel total R367.10')[0]).toMatchObject({ minor: 36710, currencyMark: 'R' });
    // A bare R before an integer is a code, not money.
    expect(findAmounts('SIZE R2')).toEqual([]);
  });

  test('when TOTAL is lost but the row says "(Incl. GST)", then its amount is the total, not the tax', () => {
    const receipt = parseReceiptText(
      lines(`SUPER SEVEN CASH & CARRY SDN BHD
        BERAS 10KG 53.50 SR
        GULA 3KG 313.60 SR
        iglal Gales (Incl. GST @6%) RM367.10
        IR 10%) 359.20 0.00`),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(36710);
  });

  test('when no change is given, then the cash line is not counted twice against the TOTAL row', () => {
    // OCR read the 18.00 tendered as 28.00; "CHANGE 0.00" must not turn it into a second piece of evidence.
    const receipt = parseReceiptText(
      lines(`TEO HENG STATIONERY & BOOKS
        TOTAL wy / 18.00
        CASH 28.00
        CHANGE 0.00`),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(1800);
  });

  test('when the rounding label is bent ("ROCNDZNG") and TOTAL is unreadable, then subtotal + tax + rounding wins', () => {
    const receipt = parseReceiptText(
      lines(`MEI LET RESTAURANT
        BRAISED PORK BELLY 18.70 SR
        SUb TOTAL 64.00
        GST 6% 3.84
        ROCNDZNG LU 0.01
        Cash 100.00
        CHANGE 32.15
        Tax Summary Amount Tax
        SR GST 6% 64.00 3.84`),
      { now },
    );
    expect(receipt.fields.totalMinor).toBe(6785);
  });
});

describe('store name — the company line as people name the store', () => {
  test('when the company line carries its registration number, then the name is read without it', () => {
    const read = (text: string) => parseReceiptText(lines(text), { now }).fields.storeName;
    expect(read('99 SPEED MART S/B (519537-X)\nLOT P.T. 2811, JALAN ANGSA\nTOTAL 9.90')).toBe(
      '99 SPEED MART S/B',
    );
    expect(read('LE\nBroadview Marketing Sdn Bhd (72828441)\nNo, 9-5, Jalan Dinar\nTOTAL 4.70')).toBe(
      'Broadview Marketing Sdn Bhd',
    );
  });

  test('when OCR bends the legal suffix ("SDN 3HD"), then it is SDN BHD again', () => {
    const receipt = parseReceiptText(lines('SUPER SEVEN CASH & CARRY SDN 3HD\n(5901504)\nTOTAL 9.90'), {
      now,
    });
    expect(receipt.fields.storeName).toBe('SUPER SEVEN CASH & CARRY SDN BHD');
  });

  test('when OCR bends digits of the name or its registration ("S00N", "(I39386X)", "5/8"), then they are put back', () => {
    const read = (text: string) => parseReceiptText(lines(text), { now }).fields.storeName;
    expect(read('YONG S00N FATT S/B\nNO 9 JALAN 1\nTOTAL 9.90')).toBe('YONG SOON FATT S/B');
    expect(read('GARDENIA BAKERIES(KL)SDN BHD(I39386X)\nLot 3, Jalan Pelabur\nTOTAL 9.90')).toBe(
      'GARDENIA BAKERIES(KL)SDN BHD',
    );
    expect(read('99 SPEED MART 5/8\nLOT P.T. 2811\nTOTAL 9.90')).toBe('99 SPEED MART S/B');
  });

  test('when the legal suffix wraps onto the next row without a space ("CO.(M) SDN BHD"), then it is joined', () => {
    const receipt = parseReceiptText(lines('POPULAR BOOK\nCO.(M) SDN BHD\n(Co. No. 113825-W)\nTOTAL 21.00'), {
      now,
    });
    expect(receipt.fields.storeName).toBe('POPULAR BOOK CO.(M) SDN BHD');
  });

  test('when PaddleOCR reads the registration in full-width brackets ("（1191015-W）"), then it is left out and the entity is a candidate', () => {
    const read = (text: string) => parseReceiptText(lines(text), { now }).fields.storeName;
    expect(read('CITY BREW\nHAPPY VENTURE SDN BHD （1191015-W）\nLOT 18, JALAN MAJU\nTOTAL 9.90')).toBe(
      'HAPPY VENTURE SDN BHD',
    );
    expect(read('KEDAI LAMA CO.(M)BHD （126926-H)\nJLN JEJAKA 55100\nTOTAL 9.90')).toBe(
      'KEDAI LAMA CO.(M)BHD',
    );
  });

  test('when OCR bends the legal suffix further ("SIN BHD", "SDN.BHX", "S/R", "C0.(M)", "(S24101-D)"), then it is put back', () => {
    const read = (text: string) => parseReceiptText(lines(text), { now }).fields.storeName;
    expect(read('MR. FIX (M) SIN BHD\nLOT 1851 JALAN KPB\nTOTAL 9.90')).toBe('MR. FIX (M) SDN BHD');
    expect(read('BEMO (SP)SDN.BHX\nNo.49, Jalan Dinar\nTOTAL 9.90')).toBe('BEMO (SP)SDN BHD');
    expect(read('SOON HUAT S/R (81497-P)\nJALAN KLANG LAMA\nTOTAL 9.90')).toBe('SOON HUAT S/B');
    expect(read('MEGA C0.(M) BHD\nJALAN KLANG LAMA\nTOTAL 9.90')).toBe('MEGA CO.(M) BHD');
    expect(read('SELASIH MAJU SDN BHD (S24101-D)\nJALAN IBRAHIM\nTOTAL 9.90')).toBe('SELASIH MAJU SDN BHD');
  });

  test('when tesseract reads the registration number\'s bracket as a brace ("{169608-A)"), then the entity row is still a candidate', () => {
    const read = (text: string) => parseReceiptText(lines(text), { now }).fields.storeName;
    expect(
      read('Desa Park City\nGolden Spoon Sdn Bhd {169608-A)\nA-16-1, Tower A, Jalan Maju\nTOTAL 9.90'),
    ).toBe('Golden Spoon Sdn Bhd');
  });

  test('when a row stands above the registration number printed alone, then it is the name, not a notice above it', () => {
    const read = (text: string) => parseReceiptText(lines(text), { now }).fields.storeName;
    expect(
      read('GOODS SOLD ARE NOT RETURNABLE\nSLF CASH & CARRY\n(002107265-V) CAH\nNO 15 JLN TSJ 2\nTOTAL 9.90'),
    ).toBe('SLF CASH & CARRY');
  });

  test('when the trade name is printed above its own legal entity ("Dimiliki: … sdn bhd 1110644-W"), then the entity is the store', () => {
    const read = (text: string) => parseReceiptText(lines(text), { now }).fields.storeName;
    expect(read('Pho Cafe\nDimiliki:pho cafe sdn bhd 1110644-W\nNo.1 Jalan Puteri\nTOTAL 9.90')).toBe(
      'pho cafe Sdn Bhd',
    );
    // Another company's entity under a trade name is not the same store: the trade name stays.
    expect(read('Pho Cafe\nDimiliki:lain makan sdn bhd\nNo.1 Jalan Puteri\nTOTAL 9.90')).toBe('Pho Cafe');
  });
});

describe('store name — a name printed on two rows', () => {
  // PaddleOCR rows with their boxes: a row's height is its print size.
  const boxed = (rows: [string, number][]) =>
    rows.map(([text, height], index) => ({
      text,
      confidence: 0.97,
      box: { x0: 40, y0: index * 40, x1: 400, y1: index * 40 + height },
    }));

  test('when two rows of one print size end at the registration number, then both rows are the name', () => {
    const receipt = parseReceiptText(
      boxed([
        ['RESTAURANT MEI LING', 30],
        ['MEI LING HOUSE', 31],
        ['002691234-K', 30],
        ['13,JLN TASIK UTAMA 8', 28],
        ['57000 KL', 28],
        ['TOTAL 9.90', 30],
      ]),
      { now },
    );
    expect(receipt.fields.storeName).toBe('RESTAURANT MEI LING MEI LING HOUSE');
  });

  test('when the row below is printed smaller, or no registration number closes the rows, then the name is one row', () => {
    const read = (rows: [string, number][]) => parseReceiptText(boxed(rows), { now }).fields.storeName;
    expect(
      read([
        ['RESTAURANT MEI LING', 42],
        ['THE BEST NOODLES IN TOWN', 30],
        ['(002691234-K)', 30],
        ['13,JLN TASIK UTAMA 8', 30],
        ['TOTAL 9.90', 30],
      ]),
    ).toBe('RESTAURANT MEI LING');
    expect(
      read([
        ['RESTAURANT MEI LING', 30],
        ['MEI LING HOUSE', 30],
        ['13,JLN TASIK UTAMA 8', 30],
        ['57000 KL', 30],
        ['TOTAL 9.90', 30],
      ]),
    ).toBe('RESTAURANT MEI LING');
  });

  test('when the second row of a two-row name wins, then the row above in the same print size opens the name', () => {
    const read = (input: [string, number][]) => parseReceiptText(boxed(input), { now }).fields.storeName;
    const rows = (above: number): [string, number][] => [
      ['NASI KANDAR PELITA', above],
      ['PELITA HOUSE', 30],
      ['002691234-K', 30],
      ['13,JLN TASIK UTAMA 8', 28],
      ['TOTAL 9.90', 30],
    ];
    expect(read(rows(31))).toBe('NASI KANDAR PELITA PELITA HOUSE');
    // A smaller row above is a slogan, not the name's first row.
    expect(read(rows(20))).toBe('PELITA HOUSE');
  });
});

describe('combineReadings — several OCR passes of the same photo', () => {
  const reading = (date: string, confidence: number) => ({
    ...parseReceiptText(lines(`KEDAI SDN BHD\nDate: ${date}\nTOTAL 4.50`), { now }),
    confidence: { date: confidence, totalAmount: 0.8, storeName: 0.8, overall: 0.5 },
  });

  test('when the re-read is only a little surer, then the first reading stays', () => {
    const combined = combineReadings([reading('27/03/2018', 0.6), reading('21/03/2018', 0.65)]);
    expect(combined.fields.date).toBe('2018-03-27');
  });

  test('when the re-read is clearly surer or the first found nothing, then it replaces the first', () => {
    expect(combineReadings([reading('20/08/2017', 0.6), reading('20/09/2017', 0.86)]).fields.date).toBe(
      '2017-09-20',
    );
    const empty = { ...reading('20/08/2017', 0.6), fields: { items: [] }, confidence: { overall: 0 } };
    expect(combineReadings([empty, reading('20/09/2017', 0.3)]).fields.date).toBe('2017-09-20');
  });

  test('when two passes agree, then they outvote one pass that is a little surer of something else', () => {
    const combined = combineReadings([
      reading('23/01/2018', 0.38),
      reading('23/07/2018', 0.53),
      reading('23/01/2018', 0.35),
    ]);
    expect(combined.fields.date).toBe('2018-01-23');
    // Agreement raises the confidence above either pass alone.
    expect(combined.confidence.date).toBeGreaterThan(0.38);
  });

  test('when the date is weak, then the reader asks for another pass', () => {
    expect(needsRefinement(reading('27/03/2018', 0.5))).toBe(true);
    expect(needsRefinement(reading('27/03/2018', 0.9))).toBe(false);
  });

  test("when a paper invoice's seller BAN fails its check digit, then the reader asks for another pass", () => {
    const invoice = (ban: string) =>
      parseReceiptText(
        lines(
          `統一發票(收銀機)\nXY-74684675\n萊爾富國際股份有限公司台南店\n統一編號 ${ban}\n113/12/27 09:15\n總計 $306`,
        ),
        { now },
      );
    expect(needsRefinement(invoice('19447163'))).toBe(false);
    expect(needsRefinement(invoice('19447161'))).toBe(true);
  });
});
