import type { LineMessenger } from '../messaging/index.js';
import type { OcrEngine } from '../ocr/index.js';
import type { EInvoicePlatform } from '../verification/index.js';
import type { Metrics } from './metrics.registry.js';

/** The OCR engine, timing each recognition into `proofline_ocr_seconds`. */
export function instrumentOcrEngine(engine: OcrEngine, metrics: Metrics | undefined): OcrEngine {
  if (!metrics) return engine;
  return {
    ...engine,
    recognize: async (request) => {
      const end = metrics.ocrSeconds.startTimer({ engine: engine.name });
      try {
        return await engine.recognize(request);
      } finally {
        end();
      }
    },
  };
}

/** The MoF platform, counting each call by its result into `proofline_mof_requests_total`. */
export function instrumentEInvoicePlatform(
  platform: EInvoicePlatform,
  metrics: Metrics | undefined,
): EInvoicePlatform {
  if (!metrics) return platform;
  const counted =
    <A extends unknown[], R extends { status: string }>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await call(...args);
        metrics.mofRequests.inc({ result: result.status });
        return result;
      } catch (error) {
        metrics.mofRequests.inc({ result: 'error' });
        throw error;
      }
    };
  return {
    getInvoiceHeader: counted(platform.getInvoiceHeader),
    getInvoiceDetail: counted(platform.getInvoiceDetail),
    listCarrierInvoices: counted(platform.listCarrierInvoices),
    getCarrierInvoiceDetail: counted(platform.getCarrierInvoiceDetail),
    ...(platform.budget ? { budget: platform.budget } : {}),
  };
}

const COUNTED_LINE_CALLS = [
  'reply',
  'push',
  'multicast',
  'narrowcast',
  'getProfile',
  'getMessageContent',
  'showLoading',
] as const;

/** The LINE messenger, counting each API call by endpoint and status into `proofline_line_api_requests_total`. */
export function instrumentLineMessenger(
  messenger: LineMessenger,
  metrics: Metrics | undefined,
): LineMessenger {
  if (!metrics) return messenger;
  const wrapped: LineMessenger = { ...messenger };
  for (const endpoint of COUNTED_LINE_CALLS) {
    const call = messenger[endpoint] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[endpoint] = async (...args: unknown[]) => {
      try {
        const result = await call(...args);
        const outcome = (result as { status?: unknown } | undefined)?.status;
        // The adapter turns LINE's 400 (used reply token) and 409 (retry key seen) into results.
        const status =
          outcome === 'invalid_reply_token'
            ? '400'
            : outcome === 'already_accepted'
              ? '409'
              : outcome === 'accepted'
                ? '202'
                : '200';
        metrics.lineApiRequests.inc({ endpoint, status });
        return result;
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        metrics.lineApiRequests.inc({
          endpoint,
          status: typeof status === 'number' ? String(status) : 'error',
        });
        throw error;
      }
    };
  }
  return wrapped;
}
