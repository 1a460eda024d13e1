import type { Services } from '../core/app/build-services.js';
import { buildProofIntake } from '../core/app/proof-intake.js';
import type { BlobStore } from '../core/blobs/index.js';
import type { ConversationDeps, ReceiptImageIngester } from '../core/conversations/index.js';
import { buildLineMessenger, renderAnswer, type LineMessenger } from '../core/messaging/index.js';
import type { OcrEngine } from '../core/ocr/index.js';
import { instrumentLineMessenger, type Metrics } from '../core/metrics/index.js';

export { buildLineMessenger };

/** The LINE messenger of this config, counting its calls into the process's metrics. */
export function buildMeasuredLineMessenger(config: Services['config'], metrics?: Metrics): LineMessenger {
  return instrumentLineMessenger(buildLineMessenger(config), metrics);
}

export type ConversationWiring = ConversationDeps & {
  /** Frees what was built on first use (OCR workers). */
  close: () => Promise<void>;
};

/**
 * What the conversation needs, wired from the services: the submissions capability (with the MoF
 * platform, built on first use), the receipts capability's image ingestion and proof reader (blob store
 * and OCR engine built on the first photo), and the bot's Flex renderer.
 */
export function buildConversationDeps(
  services: Services,
  {
    messenger = buildMeasuredLineMessenger(services.config, services.metrics),
    blobStore,
    ocrEngine,
  }: { messenger?: LineMessenger; blobStore?: BlobStore; ocrEngine?: OcrEngine } = {},
): ConversationWiring {
  const { database, clock, generateId, logger } = services;
  const intake = buildProofIntake(services, { blobStore, ocrEngine });
  const ingest: ReceiptImageIngester = (input) =>
    intake.ingestReceiptImage({
      brandId: input.brandId,
      memberId: input.memberId,
      bytes: input.bytes,
      source: input.source,
      sourceRef: input.sourceRef,
    });
  return {
    db: database.db,
    clock,
    generateId,
    logger,
    messenger,
    submitProof: intake.submitProof,
    ingestReceiptImage: ingest,
    render: renderAnswer,
    close: intake.close,
  };
}
