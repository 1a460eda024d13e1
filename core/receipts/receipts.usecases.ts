import { z } from 'zod';
import type { BlobStore } from '../blobs/index.js';
import type { RuleName } from '../campaigns/index.js';
import { createBrandsRepository } from '../brands/index.js';
import { isUniqueViolation, type Database } from '../db/database.js';
import type { OcrEngine } from '../ocr/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { DEFAULT_IMAGE_LIMITS, prepareReceiptImage, type ImageLimits } from './receipt-image.js';
import { languagesForCountry, readReceiptImage } from './receipt-reader.js';
import { createInvalidKnownSellerError, createReceiptImageNotFoundError } from './receipts.errors.js';
import { isMalaysianGstId, isValidThaiTaxId } from './receipt-parser.models.js';
import { isValidBusinessId } from '../invoices/index.js';
import {
  assessReceiptForAutoAccept,
  contentKeyOf,
  DEFAULT_UPLOADS_PER_HOUR,
  findPerceptualMatch,
  mayRefuseOnRule,
  rulesInvoiceFromReading,
} from './receipts.models.js';
import { lockBlobKey } from './receipts.erasure.js';
import { createReceiptsRepository, type ReceiptImage } from './receipts.repository.js';
import type { ReceiptReading } from './receipts.types.js';

export type ReceiptsDeps = {
  db: Database;
  blobStore: BlobStore;
  ocrEngine: OcrEngine;
  clock: Clock;
  generateId: IdGenerator;
  logger?: Logger;
  /** @default DEFAULT_IMAGE_LIMITS */
  limits?: Partial<ImageLimits>;
  /** @default 10 */
  uploadsPerHour?: number;
};

export type IngestReceiptImageInput = {
  brandId: string;
  memberId: string | null;
  bytes: Buffer;
  source: 'line' | 'liff' | 'console' | 'cli';
  /**
   * What sent the photo, once (the LINE webhook event, the LIFF Idempotency-Key): the same source gets
   * the image stored the first time, without reading the photo again.
   */
  sourceRef?: string;
  /** When the photo was taken, if the LIFF upload says. */
  capturedAt?: Date;
  location?: { latitude: number; longitude: number };
};

export type IngestFlags = {
  /** The earlier image this one repeats: the same picture (perceptual hash) or the same purchase (content key). */
  duplicateOf?: string;
  duplicateKind?: 'image' | 'content';
  velocityExceeded?: boolean;
};

export type IngestReceiptImageResult = {
  image: ReceiptImage;
  reading: ReceiptReading;
  flags: IngestFlags;
  /** True when `sourceRef` had already sent this photo: the stored image, nothing read or written. */
  repeated?: boolean;
};

const EXTENSIONS = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
} as const;

/**
 * Takes one uploaded photo: refuses bad input (typed AppErrors), normalises it, reads the QR codes then
 * OCR, checks for re-uploads and upload bursts, stores the original under its content hash and records
 * the row with the reading. All checks and reading happen before anything is written; if the row cannot
 * be written, the blob stored for it is removed again — nothing is left half-stored.
 */
export async function ingestReceiptImage(
  deps: ReceiptsDeps,
  input: IngestReceiptImageInput,
): Promise<IngestReceiptImageResult> {
  const repository = createReceiptsRepository({ db: deps.db });
  // A redelivered event or a retried upload: before the photo is read (OCR is the costly part) and
  // before it counts as one more upload.
  const earlier = await findRepeatedUpload(repository, input);
  if (earlier) return earlier;
  const limits = { ...DEFAULT_IMAGE_LIMITS, ...deps.limits };
  const started = performance.now();
  const prepared = await prepareReceiptImage(input.bytes, limits);
  const normaliseMs = performance.now() - started;

  const brand = await createBrandsRepository({ db: deps.db, generateId: deps.generateId }).getBrandById(
    input.brandId,
  );
  const reading = await readReceiptImage(prepared.readable, {
    ocrEngine: deps.ocrEngine,
    languages: languagesForCountry(brand?.country),
    now: deps.clock.now(),
  });
  reading.timings.normaliseMs = Math.round(normaliseMs * 100) / 100;

  await applyKnownSeller(repository, input.brandId, reading);
  reading.timings.totalMs = Math.round((performance.now() - started) * 100) / 100;
  const flags: IngestFlags = {};
  const flagNames: string[] = [];
  const imageMatch = findPerceptualMatch(
    prepared.perceptualHash,
    await repository.recentPerceptualHashes({ brandId: input.brandId }),
  );
  const contentKey = contentKeyOf(reading);
  const contentMatch = contentKey
    ? await repository.findByContentKey({ brandId: input.brandId, contentKey })
    : undefined;
  if (imageMatch) {
    flags.duplicateOf = imageMatch.id;
    flags.duplicateKind = 'image';
    flagNames.push('duplicate_image');
  } else if (contentMatch) {
    flags.duplicateOf = contentMatch.id;
    flags.duplicateKind = 'content';
    flagNames.push('duplicate_content');
  }
  if (input.memberId) {
    const since = new Date(deps.clock.now().getTime() - 3_600_000);
    const recent = await repository.countMemberUploadsSince({
      brandId: input.brandId,
      memberId: input.memberId,
      since,
    });
    if (recent >= (deps.uploadsPerHour ?? DEFAULT_UPLOADS_PER_HOUR)) {
      flags.velocityExceeded = true;
      flagNames.push('velocity');
    }
  }

  // One blob per content per brand: the same bytes uploaded twice share it.
  const storageKey = `${input.brandId}/${prepared.sha256.slice(0, 2)}/${prepared.sha256}.${EXTENSIONS[prepared.mimeType]}`;
  const existedBefore = await deps.blobStore.exists(storageKey);
  if (!existedBefore) await deps.blobStore.put(storageKey, input.bytes, { contentType: prepared.mimeType });

  try {
    const image = await repository.insertImage({
      id: deps.generateId('receiptImage'),
      brandId: input.brandId,
      memberId: input.memberId,
      sha256: prepared.sha256,
      perceptualHash: prepared.perceptualHash,
      mimeType: prepared.mimeType,
      width: prepared.width,
      height: prepared.height,
      byteSize: prepared.byteSize,
      storageKey,
      source: input.source,
      sourceRef: input.sourceRef ?? null,
      capturedAt: input.capturedAt ?? null,
      latitude: input.location?.latitude ?? null,
      longitude: input.location?.longitude ?? null,
      reading: reading as unknown as Record<string, unknown>,
      confidence: reading.confidence.overall,
      readingKind: reading.kind,
      contentKey: contentKey ?? null,
      duplicateOfId: flags.duplicateOf ?? null,
      flags: flagNames,
      uploadedAt: deps.clock.now(),
    });
    // A deletion queued by another member's erasure may have removed these bytes between the check above
    // and the insert; under the key's lock (the deletion worker holds it while it checks and deletes),
    // make sure they are there now that this row uses them.
    await deps.db.transaction(async (tx) => {
      await lockBlobKey(tx, storageKey);
      if (!(await deps.blobStore.exists(storageKey)))
        await deps.blobStore.put(storageKey, input.bytes, { contentType: prepared.mimeType });
    });
    deps.logger?.info(
      { imageId: image.id, kind: reading.kind, confidence: reading.confidence.overall, flags: flagNames },
      'receipt image ingested',
    );
    return { image, reading, flags };
  } catch (error) {
    // Another upload of the same bytes may have started using the blob meanwhile: keep it then.
    if (!existedBefore && !(await repository.isStorageKeyUsed(storageKey).catch(() => true)))
      await deps.blobStore.delete(storageKey).catch(() => undefined);
    // The same source sent it twice at once: the first stored one stands.
    if (isUniqueViolation(error, 'receipt_images_source_ref_uq')) {
      const winner = await findRepeatedUpload(repository, input);
      if (winner) return winner;
    }
    throw error;
  }
}

async function findRepeatedUpload(
  repository: ReturnType<typeof createReceiptsRepository>,
  input: IngestReceiptImageInput,
): Promise<IngestReceiptImageResult | undefined> {
  if (!input.sourceRef) return undefined;
  const image = await repository.findImageBySourceRef({ brandId: input.brandId, sourceRef: input.sourceRef });
  if (!image) return undefined;
  const names = image.flags ?? [];
  const flags: IngestFlags = {
    ...(image.duplicateOfId ? { duplicateOf: image.duplicateOfId } : {}),
    ...(names.includes('duplicate_image') ? { duplicateKind: 'image' as const } : {}),
    ...(names.includes('duplicate_content') ? { duplicateKind: 'content' as const } : {}),
    ...(names.includes('velocity') ? { velocityExceeded: true } : {}),
  };
  return { image, reading: image.reading as unknown as ReceiptReading, flags, repeated: true };
}

export async function getReceiptImageOrThrow(
  deps: Pick<ReceiptsDeps, 'db'>,
  { brandId, imageId }: { brandId: string; imageId: string },
): Promise<ReceiptImage> {
  const image = await createReceiptsRepository({ db: deps.db }).getImage({ brandId, imageId });
  if (!image) throw createReceiptImageNotFoundError({ details: { imageId } });
  return image;
}

/**
 * The submissions capability's `readReceiptProof` extension: turns a stored image's reading into the
 * purchase the rules judge, confident only when `assessReceiptForAutoAccept` says so.
 */
export function createReceiptProofReader(
  deps: Pick<ReceiptsDeps, 'db'> & { defaultCurrency?: 'TWD' | 'THB' },
) {
  return async ({
    brandId,
    receiptImageId,
  }: {
    brandId: string;
    memberId: string;
    receiptImageId: string;
  }) => {
    const image = await createReceiptsRepository({ db: deps.db }).getImage({
      brandId,
      imageId: receiptImageId,
    });
    const reading = image?.reading as unknown as ReceiptReading | undefined;
    if (!image || !reading) return { status: 'needs_review' as const, reason: 'receipt.not_read' };
    if (reading.kind === 'einvoice' && reading.qr?.invoice)
      return { status: 'einvoice' as const, invoice: reading.qr.invoice };
    // The member is asked for the date; the photo stays stored with its reading.
    if (reading.qr?.partial) return { status: 'partial' as const, partial: reading.qr.partial };
    const invoice = rulesInvoiceFromReading(reading, deps.defaultCurrency ?? 'THB');
    if (!invoice || reading.kind === 'unreadable' || reading.kind === 'einvoice')
      return {
        status: 'needs_review' as const,
        reason: invoice ? 'receipt.einvoice_photo' : 'receipt.no_date',
      };
    const assessment = assessReceiptForAutoAccept(reading, image.flags ?? []);
    return {
      status: 'read' as const,
      invoice,
      kind: reading.kind === 'paper-invoice' ? ('paper_invoice' as const) : ('receipt' as const),
      confident: assessment.confident,
      mayRefuseOn: (rule: RuleName) => mayRefuseOnRule(reading, rule),
    };
  };
}

/**
 * Tax-number confidence from which the seller it names is taken as the store. A Malaysian GST number has no
 * check digit, so it is never read at 0.9 (`MALAYSIAN_GST_MAX_CONFIDENCE`); read surely on its row, it is looked
 * up from 0.8: twelve digits that match a seller the brand registered are that seller's.
 */
const KNOWN_SELLER_MIN_TAX_ID_CONFIDENCE = { tw: 0.9, th: 0.9, my: 0.8 } as const;

/**
 * A receipt that prints a seller's tax number the brand knows is that seller's, whatever OCR made of the
 * name: the name comes from the brand's table, as sure as the number was read.
 */
export async function applyKnownSeller(
  repository: Pick<ReturnType<typeof createReceiptsRepository>, 'findKnownSeller'>,
  brandId: string,
  reading: ReceiptReading,
): Promise<void> {
  const { taxId } = reading.fields;
  const taxIdConfidence = reading.confidence.taxId ?? 0;
  const minimum = KNOWN_SELLER_MIN_TAX_ID_CONFIDENCE[reading.fields.taxIdKind ?? 'tw'];
  if (!taxId || taxIdConfidence < minimum) return;
  const seller = await repository.findKnownSeller({ brandId, taxId });
  if (!seller) return;
  reading.fields.storeName = seller.name;
  reading.confidence.storeName = Math.min(0.98, taxIdConfidence);
}

/** Adds or renames a seller the brand knows by its tax number (`proofline receipt seller add`). */
export async function saveKnownSeller(
  deps: Pick<ReceiptsDeps, 'db' | 'clock'>,
  { brandId, taxId, name }: { brandId: string; taxId: string; name: string },
) {
  const parsed = KNOWN_SELLER_INPUT.safeParse({ taxId, name });
  if (!parsed.success)
    throw createInvalidKnownSellerError({ details: { issues: parsed.error.issues.map((i) => i.message) } });
  return createReceiptsRepository({ db: deps.db }).upsertKnownSeller({
    brandId,
    ...parsed.data,
    now: deps.clock.now(),
  });
}

/**
 * A Taiwan BAN (8 digits, valid check digit), a Thai tax ID (13 digits, valid check digit) or a Malaysian GST
 * number (12 digits, `00…`), and a name.
 */
const KNOWN_SELLER_INPUT = z.object({
  taxId: z
    .string()
    .trim()
    .refine((value) => isValidBusinessId(value) || isValidThaiTaxId(value) || isMalaysianGstId(value), {
      message:
        'taxId must be a Taiwan BAN (8 digits) or a Thai tax ID (13 digits) with a valid check digit, or a Malaysian GST number (12 digits, 00…)',
    }),
  name: z.string().trim().min(1).max(200),
});
