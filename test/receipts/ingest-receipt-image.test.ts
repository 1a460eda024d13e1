import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { buildLocalBlobStore, buildMemoryBlobStore } from '../../core/blobs/index.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import { ingestReceiptImage, receiptImages, type ReceiptsDeps } from '../../core/receipts/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { isAppError } from '../../core/shared/errors.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { projectRoot } from '../../core/shared/paths.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { pdf, pngBomb, thirtyMegabytes, truncated } from './support/bad-uploads.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'receipts');
const fixture = (name: string) => readFileSync(join(fixtures, name));
const BRAND = 'brd_thai';
const MEMBER = 'mbr_somchai';

const THAI_TEXT = `มินิมาร์ท บ้านสวน
เลขประจำตัวผู้เสียภาษี 9175680647138
วันที่ 07/01/2568 20:37
3 มาม่า รสต้มยำกุ้ง 151.50
1 โค้ก 1.25ล 93.75
1 ขนมปังฟาร์มเฮ้าส์ 67.75
2 ขนมปังฟาร์มเฮ้าส์ 150.50
1 โอวัลติน 57.50
รวมทั้งสิ้น 521.00`;

let database: TestDatabase;
let blobStore: ReturnType<typeof buildMemoryBlobStore>;
let ocrEngine: ReturnType<typeof buildFakeOcrEngine>;
let deps: ReceiptsDeps;
const clock = createTestClock({ now: '2025-01-08T03:00:00Z' });

beforeAll(async () => {
  database = await createTestDatabase({
    brands: [
      {
        id: BRAND,
        slug: 'thai',
        name: 'Thai brand',
        country: 'TH',
        defaultLocale: 'th',
        timezone: 'Asia/Bangkok',
      },
    ],
    members: [{ id: MEMBER, brandId: BRAND, lineUserId: 'U_somchai', locale: 'th' }],
  });
  blobStore = buildMemoryBlobStore();
  ocrEngine = buildFakeOcrEngine(THAI_TEXT);
  deps = {
    db: database.db,
    blobStore,
    ocrEngine,
    clock,
    generateId: createSequentialIdGenerator(),
    uploadsPerHour: 4,
  };
});
afterAll(async () => {
  await database.close();
});

async function rowCount() {
  return (await database.db.select().from(receiptImages)).length;
}

async function refusal(bytes: Buffer) {
  const before = { rows: await rowCount(), blobs: blobStore.keys().length, ocr: ocrEngine.calls() };
  const error = await ingestReceiptImage(deps, {
    brandId: BRAND,
    memberId: MEMBER,
    bytes,
    source: 'liff',
  }).catch((caught: unknown) => caught);
  // Nothing half-stored, and the photo never reached OCR.
  expect({ rows: await rowCount(), blobs: blobStore.keys().length, ocr: ocrEngine.calls() }).toEqual(before);
  return isAppError(error) ? error : error;
}

describe('ingestReceiptImage — refusals', () => {
  test('when the upload is not an image (a PDF), then receipt.not_an_image', async () => {
    const error = await refusal(pdf());
    expect(error).toMatchObject({
      code: 'receipt.not_an_image',
      statusCode: 415,
      message: 'The upload is not a photo (JPEG, PNG, WebP or HEIC)',
    });
  });

  test('when a JPEG is cut off halfway, then receipt.corrupt', async () => {
    const error = await refusal(truncated(fixture('tw-einvoice-7-photo.jpg')));
    expect(error).toMatchObject({
      code: 'receipt.corrupt',
      statusCode: 422,
      message: 'The photo is damaged or incomplete',
    });
  });

  test('when a small PNG declares 20000×20000 pixels, then receipt.too_many_pixels before decoding', async () => {
    const bomb = await pngBomb(20000, 20000);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);

    const error = await refusal(bomb);
    expect(error).toMatchObject({
      code: 'receipt.too_many_pixels',
      statusCode: 413,
      message: 'The photo is 20000×20000; the limit is 50 megapixels',
    });
    expect((error as { details?: unknown }).details).toMatchObject({ width: 20000, height: 20000 });
  });

  test('when the upload is 30 MB, then receipt.too_large (checked before anything is read)', async () => {
    const error = await refusal(thirtyMegabytes(fixture('tw-einvoice-7-photo.jpg')));
    expect(error).toMatchObject({ code: 'receipt.too_large', statusCode: 413 });
    expect((error as Error).message).toMatch(/30\.\d MB; the limit is 20 MB/);
  });
});

describe('ingestReceiptImage — stored photos', () => {
  test('when a Thai receipt photo arrives, then the original is stored by content hash and the reading is on the row', async () => {
    const bytes = fixture('th-receipt-1-clean.png');

    const { image, reading, flags } = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId: MEMBER,
      bytes,
      source: 'liff',
      capturedAt: new Date('2025-01-07T13:40:00Z'),
      location: { latitude: 16.43, longitude: 102.83 },
    });

    expect(reading.kind).toBe('receipt');
    expect(reading.fields).toMatchObject({
      date: '2025-01-07',
      time: '20:37',
      totalMinor: 52100,
      taxId: '9175680647138',
    });
    expect(flags).toEqual({});
    expect(image).toMatchObject({
      mimeType: 'image/png',
      width: 733,
      source: 'liff',
      readingKind: 'receipt',
      latitude: 16.43,
    });
    expect(image.perceptualHash).toMatch(/^[0-9a-f]{64}$/);
    expect(image.contentKey).toBe('rcpt:9175680647138:2025-01-07:20:37:52100');
    expect(await blobStore.get(image.storageKey!)).toEqual(bytes);
    const [row] = await database.db.select().from(receiptImages).where(eq(receiptImages.id, image.id));
    expect(row?.reading).toMatchObject({ kind: 'receipt', fields: { totalMinor: 52100 } });
  });

  test('when the same picture comes back re-encoded and resized, then it is flagged as a duplicate image of the first', async () => {
    const first = (await database.db.select().from(receiptImages))[0]!;
    const copy = await sharp(fixture('th-receipt-1-clean.png'))
      .resize({ width: 600 })
      .jpeg({ quality: 70 })
      .toBuffer();

    const { image, flags } = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId: MEMBER,
      bytes: copy,
      source: 'line',
    });

    expect(flags).toMatchObject({ duplicateOf: first.id, duplicateKind: 'image' });
    expect(image.flags).toEqual(['duplicate_image']);
    expect(image.duplicateOfId).toBe(first.id);
  });

  test('when a different photo of the same paper arrives, then the content key flags it', async () => {
    const first = (await database.db.select().from(receiptImages))[0]!;
    // A different picture (the e-invoice photo bytes) whose OCR reads the same purchase.
    const otherPhoto = await sharp(fixture('tw-paper-1-clean.png')).jpeg().toBuffer();

    const { flags } = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId: MEMBER,
      bytes: otherPhoto,
      source: 'line',
    });

    expect(flags).toMatchObject({ duplicateOf: first.id, duplicateKind: 'content' });
  });

  test('when a member sends more photos in an hour than allowed, then the next one is flagged for velocity', async () => {
    const blank = await sharp({ create: { width: 300, height: 500, channels: 3, background: '#fafafa' } })
      .png()
      .toBuffer();
    // Three uploads so far this hour; the limit is four.
    await ingestReceiptImage(deps, { brandId: BRAND, memberId: MEMBER, bytes: blank, source: 'line' });

    const { flags } = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId: MEMBER,
      bytes: blank,
      source: 'line',
    });
    expect(flags.velocityExceeded).toBe(true);

    clock.advanceHours(2);
    const later = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId: MEMBER,
      bytes: blank,
      source: 'line',
    });
    expect(later.flags.velocityExceeded).toBeUndefined();
  });

  test('when the row cannot be written, then the stored original is removed again', async () => {
    const bytes = await sharp({ create: { width: 320, height: 480, channels: 3, background: '#eeeeee' } })
      .jpeg()
      .toBuffer();
    const before = blobStore.keys();

    const error = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId: 'mbr_missing',
      bytes,
      source: 'cli',
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    expect(blobStore.keys()).toEqual(before);
  });
});

describe('ingestReceiptImage — e-invoice photos', () => {
  test('when the photo holds a Taiwan e-invoice QR pair, then the invoice comes from the codes and OCR is not run', async () => {
    const calls = ocrEngine.calls();
    const labels = JSON.parse(readFileSync(join(fixtures, 'labels.json'), 'utf8')) as {
      file: string;
      invoiceNumber: string;
      qrLeft: string;
      qrRight: string;
      totalAmount: number;
    }[];
    const label = labels.find((entry) => entry.file === 'tw-einvoice-7-photo.jpg')!;

    const { reading, image } = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId: null,
      bytes: fixture('hard-einvoice-dim-tilted.jpg'),
      source: 'console',
    });

    expect(ocrEngine.calls()).toBe(calls);
    expect(reading.kind).toBe('einvoice');
    expect(reading.qr?.left).toBe(label.qrLeft);
    expect(reading.qr?.right).toBe(label.qrRight);
    expect(reading.qr?.invoice?.invoiceNumber).toBe(label.invoiceNumber);
    expect(reading.fields.totalMinor).toBe(label.totalAmount * 100);
    expect(image.contentKey).toBe(`tw:${label.invoiceNumber}`);
  });
});

describe('ingestReceiptImage — refusals with the photos on disk (local blob store)', () => {
  test('when each bad upload is refused or the row cannot be written, then no file (nor temp file) is left', async () => {
    const root = await mkdtemp(join(tmpdir(), 'proofline-blobs-'));
    try {
      const onDisk = { ...deps, blobStore: buildLocalBlobStore({ root }) };
      const rowsBefore = await rowCount();
      const ingest = (bytes: Buffer, memberId: string | null = MEMBER) =>
        ingestReceiptImage(onDisk, { brandId: BRAND, memberId, bytes, source: 'liff' }).catch(
          (caught: unknown) => caught,
        );
      const photo = fixture('tw-einvoice-7-photo.jpg');

      expect(await ingest(pdf())).toMatchObject({ code: 'receipt.not_an_image' });
      expect(await ingest(truncated(photo))).toMatchObject({ code: 'receipt.corrupt' });
      expect(await ingest(await pngBomb(20000, 20000))).toMatchObject({ code: 'receipt.too_many_pixels' });
      expect(await ingest(thirtyMegabytes(photo))).toMatchObject({ code: 'receipt.too_large' });
      // A good photo whose row fails (unknown member): the original written first is removed again.
      const good = await sharp({ create: { width: 300, height: 420, channels: 3, background: '#e0e0e0' } })
        .jpeg()
        .toBuffer();
      expect(await ingest(good, 'mbr_missing')).toBeInstanceOf(Error);

      const files = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) =>
        entry.isFile(),
      );
      expect(files.map((entry) => entry.name)).toEqual([]);
      expect(await rowCount()).toBe(rowsBefore);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('ingestReceiptImage — e-invoice photos only a QR retry can read', () => {
  test('when the first decode reads one code only, then a retry reads the pair and the photo is still an e-invoice without OCR', async () => {
    const folder = join(fixtures, 'qr-retry');
    const entry = (
      JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as {
        file: string;
        qrLeft: string;
        qrRight: string;
      }[]
    ).find((candidate) => candidate.file === 'blur4-einvoice-7.jpg')!;
    const calls = ocrEngine.calls();

    const { reading } = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId: null,
      bytes: readFileSync(join(folder, entry.file)),
      source: 'console',
    });

    expect(reading.kind).toBe('einvoice');
    expect(reading.qr?.left).toBe(entry.qrLeft);
    expect(reading.qr?.right).toBe(entry.qrRight);
    expect(ocrEngine.calls()).toBe(calls);
  });
});

describe('ingestReceiptImage — the same source twice (LINE redelivery, a retried LIFF upload)', () => {
  test('when a photo comes again from the same source, then the first image is returned without reading it again or counting another upload', async () => {
    clock.advanceBy(2 * 3_600_000); // out of the earlier tests' velocity hour
    const bytes = await sharp(fixture('th-receipt-1-clean.png')).rotate(90).png().toBuffer();
    const send = () =>
      ingestReceiptImage(deps, {
        brandId: BRAND,
        memberId: MEMBER,
        bytes,
        source: 'line',
        sourceRef: 'line:chan:01REDELIVERED',
      });
    const first = await send();
    const before = { rows: await rowCount(), ocr: ocrEngine.calls() };

    const again = await send();

    expect(again.repeated).toBe(true);
    expect(again.image.id).toBe(first.image.id);
    expect(again.reading).toEqual(JSON.parse(JSON.stringify(first.reading)));
    expect(again.flags).toEqual(first.flags);
    expect({ rows: await rowCount(), ocr: ocrEngine.calls() }).toEqual(before);
  });

  test('when the same source sends it twice at once, then both get one stored image', async () => {
    const bytes = await sharp(fixture('th-receipt-1-clean.png')).rotate(180).png().toBuffer();
    const before = await rowCount();
    const send = () =>
      ingestReceiptImage(deps, {
        brandId: BRAND,
        memberId: MEMBER,
        bytes,
        source: 'liff',
        sourceRef: `liff:${MEMBER}:retried-upload-1`,
      });

    const [a, b] = await Promise.all([send(), send()]);

    expect(a.image.id).toBe(b.image.id);
    expect(await rowCount()).toBe(before + 1);
    expect(await blobStore.get(a.image.storageKey!)).toEqual(bytes);
  });
});
