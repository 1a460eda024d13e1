import { buildBlobStore, type BlobStore } from '../blobs/index.js';
import { buildOcrEngine, type OcrEngine } from '../ocr/index.js';
import {
  createReceiptProofReader,
  ingestReceiptImage,
  type IngestReceiptImageInput,
  type ReceiptsDeps,
} from '../receipts/index.js';
import {
  createChatProofSubmitter,
  type SubmissionsDeps,
  type SubmitProofCommand,
  type SubmitProofResult,
} from '../submissions/index.js';
import { buildEInvoicePlatform, type EInvoicePlatform } from '../verification/index.js';
import { instrumentEInvoicePlatform } from '../metrics/index.js';
import type { Services } from './build-services.js';

/** How every channel (LINE chat, LIFF, console) takes in a proof: one wiring, so they cannot drift apart. */
export type ProofIntake = {
  submitProof: (command: SubmitProofCommand) => Promise<SubmitProofResult>;
  /** Stores and reads a photo (QR codes, then OCR); refuses non-images and oversized ones with AppErrors. */
  ingestReceiptImage: (input: IngestReceiptImageInput) => Promise<{ receiptImageId: string }>;
  /** Frees what was built on first use here (OCR workers not owned by the services). */
  close: () => Promise<void>;
};

/**
 * The submissions capability with the MoF platform (built on first use), and the receipts capability
 * with the blob store and OCR engine (the services' own, else built on the first photo). A photo whose
 * QR codes hold an e-invoice is verified as an e-invoice (submitProof asks the proof reader first).
 */
export function buildProofIntake(
  services: Services,
  overrides: { blobStore?: BlobStore; ocrEngine?: OcrEngine } = {},
): ProofIntake {
  const { config, database, clock, generateId, logger } = services;
  let platform: EInvoicePlatform | undefined;
  let receipts: ReceiptsDeps | undefined;
  let builtOcrEngine: OcrEngine | undefined;

  const receiptsDeps = (): ReceiptsDeps => {
    if (!receipts) {
      const ocrEngine =
        overrides.ocrEngine ?? services.ocrEngine ?? (builtOcrEngine = buildOcrEngine(config));
      receipts = {
        db: database.db,
        blobStore: overrides.blobStore ?? services.blobStore ?? buildBlobStore(config),
        ocrEngine,
        clock,
        generateId,
        logger,
      };
    }
    return receipts;
  };
  const submissionsDeps = (): SubmissionsDeps => {
    platform ??= instrumentEInvoicePlatform(
      // Members are waiting: instant priority on the deployment's MoF budget.
      buildEInvoicePlatform(config, { clock, logger, db: database.db, priority: 'instant' }),
      services.metrics,
    );
    return {
      db: database.db,
      platform,
      clock,
      generateId,
      logger,
      leaseMs: config.jobs.verifyLeaseMs,
      answerAtOnceAfterMs: config.mof.answerAtOnceAfterMs,
      readReceiptProof: createReceiptProofReader({ db: database.db }),
    };
  };

  return {
    // Typed chat proofs of a burst are taken in together when all of them would be queued anyway.
    submitProof: createChatProofSubmitter(submissionsDeps),
    ingestReceiptImage: async (input) => {
      const { image } = await ingestReceiptImage(receiptsDeps(), input);
      return { receiptImageId: image.id };
    },
    close: async () => {
      await builtOcrEngine?.close();
    },
  };
}
