import { and, count, desc, eq, gte, isNotNull, ne } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { receiptImages, receiptKnownSellers } from './receipts.table.js';

export type ReceiptImage = typeof receiptImages.$inferSelect;
export type NewReceiptImage = typeof receiptImages.$inferInsert;
export type KnownSeller = typeof receiptKnownSellers.$inferSelect;

/** How far back a re-uploaded picture is looked for; older photos are not compared. */
const PERCEPTUAL_LOOKBACK_ROWS = 20_000;

export function createReceiptsRepository({ db }: { db: Executor }) {
  return {
    /** Adds a known seller or renames it (one row per brand and tax number). */
    async upsertKnownSeller({
      brandId,
      taxId,
      name,
      now,
    }: {
      brandId: string;
      taxId: string;
      name: string;
      now: Date;
    }) {
      const [row] = await db
        .insert(receiptKnownSellers)
        .values({ brandId, taxId, name, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: [receiptKnownSellers.brandId, receiptKnownSellers.taxId],
          set: { name, updatedAt: now },
        })
        .returning();
      return row!;
    },

    async findKnownSeller({
      brandId,
      taxId,
    }: {
      brandId: string;
      taxId: string;
    }): Promise<KnownSeller | undefined> {
      const [row] = await db
        .select()
        .from(receiptKnownSellers)
        .where(and(eq(receiptKnownSellers.brandId, brandId), eq(receiptKnownSellers.taxId, taxId)));
      return row;
    },

    async listKnownSellers({ brandId }: { brandId: string }): Promise<KnownSeller[]> {
      return db
        .select()
        .from(receiptKnownSellers)
        .where(eq(receiptKnownSellers.brandId, brandId))
        .orderBy(receiptKnownSellers.name);
    },

    async insertImage(values: NewReceiptImage): Promise<ReceiptImage> {
      const [row] = await db.insert(receiptImages).values(values).returning();
      return row!;
    },

    async findImageBySourceRef({
      brandId,
      sourceRef,
    }: {
      brandId: string;
      sourceRef: string;
    }): Promise<ReceiptImage | undefined> {
      const [row] = await db
        .select()
        .from(receiptImages)
        .where(and(eq(receiptImages.brandId, brandId), eq(receiptImages.sourceRef, sourceRef)));
      return row;
    },

    async getImage({
      brandId,
      imageId,
    }: {
      brandId: string;
      imageId: string;
    }): Promise<ReceiptImage | undefined> {
      const [row] = await db
        .select()
        .from(receiptImages)
        .where(and(eq(receiptImages.brandId, brandId), eq(receiptImages.id, imageId)));
      return row;
    },

    async findBySha256({ brandId, sha256 }: { brandId: string; sha256: string }) {
      const [row] = await db
        .select({ id: receiptImages.id, storageKey: receiptImages.storageKey })
        .from(receiptImages)
        .where(and(eq(receiptImages.brandId, brandId), eq(receiptImages.sha256, sha256)))
        .orderBy(receiptImages.uploadedAt)
        .limit(1);
      return row;
    },

    /** Whether any row (any brand) still points at a stored blob: blobs are shared by content. */
    async isStorageKeyUsed(storageKey: string) {
      const [row] = await db
        .select({ id: receiptImages.id })
        .from(receiptImages)
        .where(eq(receiptImages.storageKey, storageKey))
        .limit(1);
      return row !== undefined;
    },

    /** Recent perceptual hashes of the brand, newest first, for a Hamming-distance scan in memory. */
    async recentPerceptualHashes({ brandId }: { brandId: string }) {
      return db
        .select({
          id: receiptImages.id,
          perceptualHash: receiptImages.perceptualHash,
          memberId: receiptImages.memberId,
        })
        .from(receiptImages)
        .where(and(eq(receiptImages.brandId, brandId), isNotNull(receiptImages.perceptualHash)))
        .orderBy(desc(receiptImages.uploadedAt))
        .limit(PERCEPTUAL_LOOKBACK_ROWS);
    },

    async findByContentKey({
      brandId,
      contentKey,
      excludeId,
    }: {
      brandId: string;
      contentKey: string;
      excludeId?: string;
    }) {
      const [row] = await db
        .select({ id: receiptImages.id, memberId: receiptImages.memberId })
        .from(receiptImages)
        .where(
          and(
            eq(receiptImages.brandId, brandId),
            eq(receiptImages.contentKey, contentKey),
            excludeId ? ne(receiptImages.id, excludeId) : undefined,
          ),
        )
        .orderBy(receiptImages.uploadedAt)
        .limit(1);
      return row;
    },

    async countMemberUploadsSince({
      brandId,
      memberId,
      since,
    }: {
      brandId: string;
      memberId: string;
      since: Date;
    }) {
      const [row] = await db
        .select({ value: count() })
        .from(receiptImages)
        .where(
          and(
            eq(receiptImages.brandId, brandId),
            eq(receiptImages.memberId, memberId),
            gte(receiptImages.uploadedAt, since),
          ),
        );
      return Number(row?.value ?? 0);
    },
  };
}

export type ReceiptsRepository = ReturnType<typeof createReceiptsRepository>;
