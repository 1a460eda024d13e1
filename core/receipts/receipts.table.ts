import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz, updatedAt } from '../db/columns.js';
import { members } from '../members/members.table.js';

/** A stored photo: the original bytes live in the blob store under `storageKey`. */
export const receiptImages = pgTable(
  'receipt_images',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    memberId: text('member_id').references(() => members.id),
    sha256: text('sha256').notNull(),
    /** Perceptual hash (hex) to catch re-uploads of the same picture. */
    perceptualHash: text('perceptual_hash'),
    mimeType: text('mime_type').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    byteSize: integer('byte_size').notNull(),
    /** Null once the member who sent it was erased: the bytes are queued for deletion (receiptBlobDeletions). */
    storageKey: text('storage_key'),
    source: text('source').notNull().$type<'line' | 'liff' | 'console' | 'cli'>(),
    /**
     * What sent it, once: the LINE webhook event (`line:<channel>:<event id>`) or the LIFF upload's
     * Idempotency-Key (`liff:<member>:<key>`). A redelivery or retried upload finds this row instead of
     * reading the photo again and adding a second upload to the member's velocity count.
     */
    sourceRef: text('source_ref'),
    capturedAt: tstz('captured_at'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    /** What reading produced: QR payloads, OCR lines, the parsed receipt with per-field confidence. */
    reading: jsonb('reading').$type<Record<string, unknown>>(),
    confidence: real('confidence'),
    /** `einvoice` | `paper-invoice` | `receipt` | `unreadable`, from the reading. */
    readingKind: text('reading_kind'),
    /**
     * What makes two photos the same purchase: the Taiwan invoice number, else seller tax ID + date +
     * time + total. A second photo of the same paper gets the same key (its perceptual hash differs).
     */
    contentKey: text('content_key'),
    /** The earlier image this one repeats (same picture or same purchase), for the reviewer. */
    duplicateOfId: text('duplicate_of_id'),
    /** Fraud signals raised at intake: `duplicate_image`, `duplicate_content`, `velocity`. */
    flags: jsonb('flags').$type<string[]>(),
    uploadedAt: createdAt(),
    /** When the uploader's erasure removed the photo and the personal parts of this row. */
    erasedAt: tstz('erased_at'),
  },
  (t) => [
    index('receipt_images_brand_phash_idx').on(t.brandId, t.perceptualHash),
    index('receipt_images_brand_sha_idx').on(t.brandId, t.sha256),
    index('receipt_images_brand_content_key_idx').on(t.brandId, t.contentKey),
    index('receipt_images_member_uploaded_idx').on(t.memberId, t.uploadedAt),
    uniqueIndex('receipt_images_source_ref_uq').on(t.brandId, t.sourceRef),
  ],
);

export type ReceiptBlobDeletionState = 'pending' | 'processing' | 'done' | 'failed';

/**
 * The outbox of photo bytes to delete from the blob store, written in the same transaction that erases
 * their uploader (so a crash after that commit leaves the deletion to a later run). Workers claim rows
 * with FOR UPDATE SKIP LOCKED; `lockedUntil` lets a crashed worker's claim lapse. `outcome` says whether
 * the bytes were deleted or kept because another row (same content, content-addressed key) still uses them.
 */
export const receiptBlobDeletions = pgTable(
  'receipt_blob_deletions',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    storageKey: text('storage_key').notNull(),
    reason: text('reason').notNull().$type<'member_erasure'>(),
    state: text('state').notNull().default('pending').$type<ReceiptBlobDeletionState>(),
    outcome: text('outcome').$type<'deleted' | 'kept_shared'>(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
    lockedUntil: tstz('locked_until'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    processedAt: tstz('processed_at'),
  },
  (t) => [index('receipt_blob_deletions_due_idx').on(t.state, t.nextAttemptAt)],
);

/**
 * Sellers a brand knows by their tax number (a Taiwan BAN, a Thai 13-digit tax ID): a receipt that prints
 * the number is that store, whatever OCR made of the name. Brand-editable (`proofline receipt seller`).
 */
export const receiptKnownSellers = pgTable(
  'receipt_known_sellers',
  {
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    taxId: text('tax_id').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.taxId] })],
);
