import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { and, eq, inArray } from 'drizzle-orm';
import { buildLocalBlobStore, buildMemoryBlobStore, type BlobStore } from '../../core/blobs/index.js';
import { eraseMember } from '../../core/members/members.erasure.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import {
  claimDueReceiptBlobDeletions,
  deleteQueuedReceiptBlobs,
  ingestReceiptImage,
  receiptBlobDeletions,
  receiptImages,
  type ReceiptsDeps,
} from '../../core/receipts/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const BRAND = 'brd_erase';
const MEMBERS = ['mbr_ana', 'mbr_ben', 'mbr_cho', 'mbr_dee'] as const;
const [ANA, BEN, CHO, DEE] = MEMBERS;
const OCR_TEXT = `Kopi Corner
ลูกค้า Ana Example  บัตร **** 4242
วันที่ 07/01/2568 20:37
รวมทั้งสิ้น 120.00`;

/**
 * A distinct photo per seed (random noise, so no two share a hash). Small: the reader measures the skew
 * of every upload, and on noise (half its pixels ink) that cost ~0.4 s of CPU a photo at 320×480.
 */
async function photo(seed: number): Promise<Buffer> {
  const width = 64;
  const height = 96;
  const pixels = Buffer.alloc(width * height * 3);
  let state = seed * 2654435761;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    pixels[i] = state >>> 24;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Counts deletions that removed bytes (a delete of a missing key is a no-op, not a deletion). */
function counting(store: BlobStore) {
  const removed: string[] = [];
  const counted: BlobStore = {
    ...store,
    delete: async (key) => {
      const existed = await store.exists(key);
      await store.delete(key);
      if (existed) removed.push(key);
    },
  };
  return { store: counted, removed };
}

type StoreCase = {
  name: string;
  build: () => Promise<{ store: BlobStore; onDisk: () => Promise<string[]>; cleanup: () => Promise<void> }>;
};

const STORES: StoreCase[] = [
  {
    name: 'memory',
    build: async () => {
      const store = buildMemoryBlobStore();
      return { store, onDisk: async () => store.keys(), cleanup: async () => {} };
    },
  },
  {
    name: 'local directory',
    build: async () => {
      const root = await mkdtemp(join(tmpdir(), 'proofline-erase-'));
      return {
        store: buildLocalBlobStore({ root }),
        onDisk: async () =>
          (await readdir(root, { recursive: true, withFileTypes: true }))
            .filter((entry) => entry.isFile())
            .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
            .sort(),
        cleanup: () => rm(root, { recursive: true, force: true }),
      };
    },
  },
];

describe.each(STORES)('erasure removes the member’s receipt photos ($name store)', ({ build }) => {
  let database: TestDatabase;
  let blobs: Awaited<ReturnType<StoreCase['build']>>;
  let deps: ReceiptsDeps;
  const clock = createTestClock({ now: '2025-01-08T03:00:00Z' });
  const generateId = createSequentialIdGenerator();
  const images: Record<string, { id: string; storageKey: string }[]> = {};

  const upload = async (memberId: string, bytes: Buffer) => {
    const { image } = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId,
      bytes,
      source: 'liff',
      location: { latitude: 13.75, longitude: 100.5 },
    });
    (images[memberId] ??= []).push({ id: image.id, storageKey: image.storageKey! });
    return image;
  };
  const erase = (memberId: string) =>
    eraseMember(
      { db: database.db, generateId },
      { brandId: BRAND, memberId, confirm: true, now: clock.now() },
    );
  const rowsOf = (memberId: string) =>
    database.db.select().from(receiptImages).where(eq(receiptImages.memberId, memberId));
  const deletionsFor = (keys: string[]) =>
    database.db.select().from(receiptBlobDeletions).where(inArray(receiptBlobDeletions.storageKey, keys));

  beforeAll(async () => {
    database = await createTestDatabase({
      brands: [
        {
          id: BRAND,
          slug: 'erase',
          name: 'Erase',
          country: 'TH',
          defaultLocale: 'th',
          timezone: 'Asia/Bangkok',
        },
      ],
      members: MEMBERS.map((id) => ({ id, brandId: BRAND, lineUserId: `U_${id}`, locale: 'th' as const })),
    });
    blobs = await build();
    deps = {
      db: database.db,
      blobStore: blobs.store,
      ocrEngine: buildFakeOcrEngine(OCR_TEXT),
      clock,
      generateId,
      uploadsPerHour: 100,
    };
    await upload(ANA, await photo(1));
    await upload(ANA, await photo(2));
    await upload(BEN, await photo(3));
    await upload(BEN, await photo(4));
    // Cho and Dee send the very same bytes: one blob, two rows.
    await upload(CHO, await photo(5));
    await upload(DEE, await photo(5));
  });
  afterAll(async () => {
    await database.close();
    await blobs.cleanup();
  });

  test('given a member with two photos, when they are erased and the worker runs, then both blobs are gone and no row keeps a key or a location', async () => {
    const keys = images[ANA]!.map((i) => i.storageKey);
    expect(new Set(keys).size).toBe(2);
    expect(await blobs.onDisk()).toEqual(expect.arrayContaining(keys));

    await erase(ANA);

    // Committed: the rows are cleared and the deletions queued, the bytes wait for the worker.
    for (const row of await rowsOf(ANA)) {
      expect(row.storageKey).toBeNull();
      expect(row.erasedAt).not.toBeNull();
      expect([row.latitude, row.longitude]).toEqual([null, null]);
      expect(JSON.stringify(row.reading)).not.toMatch(/4242|Ana Example/);
      expect(row.reading).toMatchObject({ kind: 'receipt', erased: true });
      expect(row.perceptualHash).toMatch(/^[0-9a-f]{64}$/); // kept for re-upload checks
    }
    expect((await deletionsFor(keys)).map((d) => d.state)).toEqual(['pending', 'pending']);

    const { store, removed } = counting(blobs.store);
    const summary = await deleteQueuedReceiptBlobs({ db: database.db, blobStore: store, clock });
    expect(summary).toMatchObject({ claimed: 2, deleted: 2, keptShared: 0 });
    expect(removed.sort()).toEqual([...keys].sort());
    for (const key of keys) expect(await blobs.store.exists(key)).toBe(false);
    expect(await blobs.onDisk()).toEqual(expect.not.arrayContaining(keys));
    expect((await deletionsFor(keys)).map((d) => [d.state, d.outcome])).toEqual([
      ['done', 'deleted'],
      ['done', 'deleted'],
    ]);

    // Nothing left to do: a later run deletes nothing more.
    clock.advanceHours(2);
    expect(await deleteQueuedReceiptBlobs({ db: database.db, blobStore: store, clock })).toMatchObject({
      claimed: 0,
    });
    expect(removed).toHaveLength(2);
  });

  test('given the worker fails after the erasure committed (one delete throws, another worker is killed after its claim), then later runs delete each blob exactly once', async () => {
    const keys = images[BEN]!.map((i) => i.storageKey).sort();
    await erase(BEN);

    // A worker claims the queued rows and is killed before it deletes anything.
    const killed = await claimDueReceiptBlobDeletions(database.db, {
      now: clock.now(),
      leaseMs: 60_000,
      limit: 1,
    });
    expect(killed).toHaveLength(1);

    // Another worker runs meanwhile: the killed one's claim is leased; its own delete throws once.
    const { store, removed } = counting(blobs.store);
    let failNext = true;
    const flaky: BlobStore = {
      ...store,
      delete: async (key) => {
        if (failNext) {
          failNext = false;
          throw new Error('network down');
        }
        await store.delete(key);
      },
    };
    const first = await deleteQueuedReceiptBlobs(
      { db: database.db, blobStore: flaky, clock },
      { leaseMs: 60_000 },
    );
    expect(first).toMatchObject({ claimed: 1, deleted: 0, retried: 1 });
    for (const key of keys) expect(await blobs.store.exists(key)).toBe(true);
    const parked = await deletionsFor(keys);
    expect(parked.map((d) => d.state).sort()).toEqual(['pending', 'processing']);
    expect(parked.find((d) => d.state === 'pending')!.lastError).toMatch(/network down/);

    // Before the back-off and the lease lapse, nothing is due.
    expect(
      await deleteQueuedReceiptBlobs({ db: database.db, blobStore: flaky, clock }, { leaseMs: 60_000 }),
    ).toMatchObject({ claimed: 0 });

    clock.advanceBy(5 * 60_000);
    const later = await deleteQueuedReceiptBlobs(
      { db: database.db, blobStore: flaky, clock },
      { leaseMs: 60_000 },
    );
    expect(later).toMatchObject({ claimed: 2, deleted: 2 });
    for (const key of keys) expect(await blobs.store.exists(key)).toBe(false);
    expect(await blobs.onDisk()).toEqual(expect.not.arrayContaining(keys));

    clock.advanceHours(2);
    expect(
      await deleteQueuedReceiptBlobs({ db: database.db, blobStore: flaky, clock }, { leaseMs: 60_000 }),
    ).toMatchObject({ claimed: 0 });
    expect(removed.sort()).toEqual(keys);
    expect((await deletionsFor(keys)).map((d) => [d.state, d.outcome])).toEqual([
      ['done', 'deleted'],
      ['done', 'deleted'],
    ]);
  });

  test('given another member sent a photo with the same content, when the first is erased, then the shared blob stays until no row uses it', async () => {
    const key = images[CHO]![0]!.storageKey;
    expect(images[DEE]![0]!.storageKey).toBe(key);

    await erase(CHO);
    const { store, removed } = counting(blobs.store);
    expect(await deleteQueuedReceiptBlobs({ db: database.db, blobStore: store, clock })).toMatchObject({
      claimed: 1,
      deleted: 0,
      keptShared: 1,
    });
    expect(removed).toEqual([]);
    expect(await blobs.store.exists(key)).toBe(true);
    const [dee] = await rowsOf(DEE);
    expect(dee!.storageKey).toBe(key);
    expect(await blobs.store.get(key)).toEqual(await photo(5));

    // Once the last member using it is erased too, the bytes go.
    await erase(DEE);
    expect(await deleteQueuedReceiptBlobs({ db: database.db, blobStore: store, clock })).toMatchObject({
      claimed: 1,
      deleted: 1,
    });
    expect(removed).toEqual([key]);
    expect(await blobs.onDisk()).toEqual(expect.not.arrayContaining([key]));
    const states = await database.db
      .select({ outcome: receiptBlobDeletions.outcome })
      .from(receiptBlobDeletions)
      .where(and(eq(receiptBlobDeletions.storageKey, key), eq(receiptBlobDeletions.state, 'done')))
      .orderBy(receiptBlobDeletions.createdAt, receiptBlobDeletions.id);
    expect(states.map((s) => s.outcome).sort()).toEqual(['deleted', 'kept_shared']);
  });

  test('given a deletion was queued for a blob, when another member uploads the same bytes before the worker runs, then their upload keeps its photo', async () => {
    const bytes = await photo(9);
    await upload(ANA, bytes); // Ana was erased above; a leftover upload of hers, queued again on re-erasure
    const key = images[ANA]!.at(-1)!.storageKey;
    await database.db
      .update(receiptImages)
      .set({ storageKey: null, erasedAt: clock.now() })
      .where(eq(receiptImages.storageKey, key));
    await database.db.insert(receiptBlobDeletions).values({
      id: generateId('receiptBlobDeletion'),
      brandId: BRAND,
      storageKey: key,
      reason: 'member_erasure',
      nextAttemptAt: clock.now(),
    });
    // Ben sends the same bytes: his upload sees them stored (so does not store them again), then the
    // worker deletes them (no row uses them yet), then his row is written.
    let raced = false;
    const racing: BlobStore = {
      ...blobs.store,
      exists: async (k) => {
        const found = await blobs.store.exists(k);
        if (k === key && found && !raced) {
          raced = true;
          const summary = await deleteQueuedReceiptBlobs({ db: database.db, blobStore: blobs.store, clock });
          expect(summary).toMatchObject({ claimed: 1, deleted: 1 });
        }
        return found;
      },
    };
    const { image } = await ingestReceiptImage(
      { ...deps, blobStore: racing },
      { brandId: BRAND, memberId: BEN, bytes, source: 'liff' },
    );
    expect(raced).toBe(true);
    expect(image.storageKey).toBe(key);
    expect(await blobs.store.get(key)).toEqual(bytes);
  });
});
