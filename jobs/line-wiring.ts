import type { Services } from '../core/app/build-services.js';
import { buildProofIntake } from '../core/app/proof-intake.js';
import type { BlobStore } from '../core/blobs/index.js';
import type { ConversationDeps, ReceiptImageIngester } from '../core/conversations/index.js';
import { createLineSdkMessenger, renderAnswer, type LineMessenger } from '../core/messaging/index.js';
import type { OcrEngine } from '../core/ocr/index.js';
import { instrumentLineMessenger, type Metrics } from '../core/metrics/index.js';

/** The LINE Messaging API adapter for this config: LINE itself, a proxy or the simulator (by base URL). */
export function buildLineMessenger(config: Services['config'], metrics?: Metrics): LineMessenger {
  const { apiBaseUrl, dataApiBaseUrl, mode } = config.line;
  const messenger = createLineSdkMessenger({
    apiBaseUrl,
    // The simulator serves both hosts; a proxy for one host says nothing about the other.
    dataApiBaseUrl: dataApiBaseUrl ?? (mode === 'simulator' ? apiBaseUrl : undefined),
  });
  return instrumentLineMessenger(messenger, metrics);
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
    messenger = buildLineMessenger(services.config, services.metrics),
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
