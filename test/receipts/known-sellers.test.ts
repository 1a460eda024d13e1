import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import {
  createReceiptsRepository,
  ingestReceiptImage,
  receiptKnownSellers,
  saveKnownSeller,
} from '../../core/receipts/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { isAppError } from '../../core/shared/errors.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { projectRoot } from '../../core/shared/paths.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const BRAND = 'brd_shop';
const photo = readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', 'tw-paper-1-clean.png'));
const clock = createTestClock({ now: '2024-07-08T03:00:00Z' });
/** One generator for the file: each photo stored gets an id of its own. */
const generateId = createSequentialIdGenerator();

/** A TW paper invoice as OCR read it: the seller's name bent beyond the lexicon, its BAN intact. */
const PAPER_INVOICE = `統一發票(收銀機)
113年07-08月
NB-81592732
好茶小舖股份有眼公司高雄店
高雄市苓雅區四維三路10號
統一編號 41308128
113/07/06 16:15
茶裏王日式綠茶600ml x1 105TX
總計 $105`;

/** A Malaysian receipt as OCR read it: the name's first word lost, the GST number intact. */
const MALAYSIAN_RECEIPT = `ONE THREE SEAFOOD RESTAURANT SDN BHD
(1120908-M)
NO.1, TAMAN SRI DENGKIL, JALAN AIR HITAM
(GST Reg.No : 000670224384)
TAX INVOICE
Date: 14-06-2018 18:03:12
1 RICE 12.00
TOTAL RM 59.00
CASH 100.00
CHANGE 41.00`;

describe('sellers a brand knows by their tax number', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({
      brands: [
        {
          id: BRAND,
          slug: 'shop',
          name: 'Shop',
          country: 'TW',
          defaultLocale: 'zh-TW',
          timezone: 'Asia/Taipei',
        },
      ],
    });
  });
  afterAll(async () => {
    await database.close();
  });

  test('when a seller is saved twice, then one row holds the latest name', async () => {
    await saveKnownSeller({ db: database.db, clock }, { brandId: BRAND, taxId: '41308128', name: '好茶' });
    await saveKnownSeller(
      { db: database.db, clock },
      { brandId: BRAND, taxId: '41308128', name: '好茶小舖高雄店' },
    );

    const rows = await database.db.select().from(receiptKnownSellers);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ brandId: BRAND, taxId: '41308128', name: '好茶小舖高雄店' });
  });

  test('when the tax number has a wrong check digit, then it is refused and nothing is stored', async () => {
    const attempt = saveKnownSeller(
      { db: database.db, clock },
      { brandId: BRAND, taxId: '41308129', name: 'X' },
    );

    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isAppError(error) && error.code).toBe('receipt.known_seller_invalid');
    expect(
      await createReceiptsRepository({ db: database.db }).listKnownSellers({ brandId: BRAND }),
    ).toHaveLength(1);
  });

  test('when a photo prints a known BAN, then its store name is the table’s, however OCR read the name', async () => {
    const { reading } = await ingestReceiptImage(
      {
        db: database.db,
        blobStore: buildMemoryBlobStore(),
        ocrEngine: buildFakeOcrEngine(PAPER_INVOICE),
        clock,
        generateId,
      },
      { brandId: BRAND, memberId: null, bytes: photo, source: 'cli' },
    );

    expect(reading.fields.taxId).toBe('41308128');
    expect(reading.fields.storeName).toBe('好茶小舖高雄店');
    expect(reading.confidence.storeName).toBeGreaterThanOrEqual(0.9);
  });

  test('when a Malaysian receipt prints a GST number the brand knows, then its store name is the table’s, however OCR read the name', async () => {
    await saveKnownSeller(
      { db: database.db, clock },
      { brandId: BRAND, taxId: '000670224384', name: 'ONE ONE THREE SEAFOOD RESTAURANT SDN BHD' },
    );
    const { reading } = await ingestReceiptImage(
      {
        db: database.db,
        blobStore: buildMemoryBlobStore(),
        ocrEngine: buildFakeOcrEngine(MALAYSIAN_RECEIPT),
        clock,
        generateId,
      },
      { brandId: BRAND, memberId: null, bytes: photo, source: 'cli' },
    );

    expect(reading.fields).toMatchObject({ taxId: '000670224384', taxIdKind: 'my' });
    expect(reading.fields.storeName).toBe('ONE ONE THREE SEAFOOD RESTAURANT SDN BHD');
  });

  test('when a 12-digit number is no Malaysian GST number (it does not start 00), then it is refused', async () => {
    const error = await saveKnownSeller(
      { db: database.db, clock },
      { brandId: BRAND, taxId: '120670224384', name: 'X' },
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isAppError(error) && error.code).toBe('receipt.known_seller_invalid');
  });
});
