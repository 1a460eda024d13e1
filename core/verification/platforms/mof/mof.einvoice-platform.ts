import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../../shared/clock.js';
import { retryOnceOnReset } from '../../../shared/connection-reset.js';
import type { Logger } from '../../../shared/logger.js';
import type { DatabaseRateLimiter } from '../../verification.budget.js';
import {
  createEInvoicePlatformBadRequestError,
  createEInvoicePlatformInvalidOptionsError,
  createEInvoicePlatformInvalidQueryError,
  createEInvoicePlatformQueryLimitError,
  createEInvoicePlatformRejectedError,
  createEInvoicePlatformUnavailableError,
} from '../../verification.errors.js';
import {
  BAN_PATTERN,
  INVOICE_NUMBER_PATTERN,
  MOBILE_BARCODE_CARD_TYPE,
  MOF_ACTIONS,
  PERIOD_PATTERN,
  RANDOM_CODE_PATTERN,
  classifyMofAnswerCode,
  isValidIsoDate,
  normalizeMofInvoice,
  signMofParameters,
  toMofRequestDate,
} from '../../verification.models.js';
import {
  createTokenBucketRateLimiter,
  monotonicClock,
  realSleep,
  type RateLimiter,
  type Sleep,
} from '../../verification.rate-limiter.js';
import type {
  BudgetPermit,
  CarrierCredentials,
  CarrierDetailResult,
  CarrierListResult,
  EInvoicePlatform,
  InvoiceHeaderQuery,
  PlatformAction,
  PlatformInvoice,
} from '../../verification.types.js';

export type MofApiVersions = {
  /** qryInvHeader */
  header: string;
  /** qryInvDetail (0.6 in spec v1.9) */
  detail: string;
  /** carrierInvChk and carrierInvDetail (0.6 with paging since 2024) */
  carrier: string;
};

export type MofEInvoicePlatformOptions = {
  /** e.g. https://api.einvoice.nat.gov.tw, or the simulator's URL. */
  baseUrl: string;
  appId: string;
  /** Signs the actions whose spec requires it (none of the port's four calls). */
  apiKey?: string;
  versions: MofApiVersions;
  /** Per attempt, including reading the body. */
  timeoutMs: number;
  /**
   * Retries after the first attempt, on 5xx, network errors, time-outs and platform-side failure codes;
   * exponential back-off with jitter, or the answer's Retry-After (seconds) when it sends one.
   */
  maxRetries: number;
  /** Ceiling shared by every call of this adapter instance. */
  rateLimitPerSecond: number;
  /** The "UUID" parameter (a stable installation id); random per instance by default. */
  uuid?: string;
  /** The business clock, for the carrier calls' timeStamp fields. */
  clock?: Clock;
  fetch?: typeof fetch;
  sleep?: Sleep;
  /** For the back-off jitter; [0, 1). */
  random?: () => number;
  /**
   * Replaces the limiter built from rateLimitPerSecond (on wall time, not `clock`): to share one ceiling
   * between adapters, or for tests to inspect its recorded waits.
   */
  rateLimiter?: RateLimiter;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  logger?: Logger;
};

export type MofEInvoicePlatform = EInvoicePlatform & {
  name: 'mof';
  rateLimiter: RateLimiter;
};

type CallOutcome =
  | { kind: 'ok'; answer: Record<string, unknown> }
  | { kind: 'not_found' | 'carrier_rejected'; code: string; message: string };

function validateOptions(options: MofEInvoicePlatformOptions) {
  const problems: string[] = [];
  try {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push('baseUrl must be http(s)');
  } catch {
    problems.push('baseUrl must be a URL');
  }
  if (!options.appId) problems.push('appId is required');
  for (const [name, version] of Object.entries(options.versions))
    if (!/^\d+\.\d+$/.test(version)) problems.push(`versions.${name} must look like 0.6`);
  if (!(options.timeoutMs > 0)) problems.push('timeoutMs must be > 0');
  if (!(Number.isInteger(options.maxRetries) && options.maxRetries >= 0))
    problems.push('maxRetries must be an integer >= 0');
  if (!(options.rateLimitPerSecond > 0)) problems.push('rateLimitPerSecond must be > 0');
  if (problems.length > 0)
    throw createEInvoicePlatformInvalidOptionsError({
      message: `Invalid MoF e-invoice platform options: ${problems.join('; ')}`,
      details: { problems },
    });
}

/**
 * The real HTTP adapter of the MoF e-invoice API: form-encoded POSTs, JSON answers, the answer codes
 * mapped to port results. Every HTTP attempt takes a permit from the instance's rate limiter.
 */
export function createMofEInvoicePlatform(options: MofEInvoicePlatformOptions): MofEInvoicePlatform {
  validateOptions(options);
  const clock = options.clock ?? systemClock;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const uuid = options.uuid ?? randomUUID();
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const retryBaseDelayMs = options.retryBaseDelayMs ?? 200;
  const retryMaxDelayMs = options.retryMaxDelayMs ?? 5_000;
  const rateLimiter =
    options.rateLimiter ??
    createTokenBucketRateLimiter({ ratePerSecond: options.rateLimitPerSecond, clock: monotonicClock, sleep });

  function backoffMs(attempt: number) {
    const ceiling = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** attempt);
    // "Equal jitter": at least half the exponential delay, so retries never stampede.
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  /** `permit`: one reserved ahead for this question, used by its first attempt. */
  async function call(
    action: PlatformAction,
    parameters: Record<string, string>,
    permit?: BudgetPermit,
  ): Promise<CallOutcome> {
    const form: Record<string, string> = { ...parameters, action, appID: options.appId };
    if (MOF_ACTIONS[action].signed) {
      if (!options.apiKey)
        throw createEInvoicePlatformInvalidOptionsError({ message: `${action} needs the MoF API key` });
      form.signature = signMofParameters(form, options.apiKey);
    }
    const url = `${baseUrl}${MOF_ACTIONS[action].path}`;
    const body = new URLSearchParams(form).toString();
    let lastFailure = '';
    // A Retry-After the platform sent with its last 429/503, in ms (bounded by retryMaxDelayMs).
    let retryAfterMs: number | undefined;

    for (let attempt = 0; attempt <= options.maxRetries; attempt++) {
      if (attempt > 0) {
        const delay = retryAfterMs ?? backoffMs(attempt - 1);
        retryAfterMs = undefined;
        options.logger?.debug({ action, attempt, delay, lastFailure }, 'MoF platform: retrying');
        await sleep(delay);
      }
      await rateLimiter.acquire(attempt === 0 ? permit : undefined);

      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs);
      let status: number;
      let text: string;
      let retryAfter: string | null = null;
      try {
        // MoF queries are idempotent: one reset by a closing keep-alive connection is sent again at once,
        // on the same permit (a connection the server closed as idle did not take the request in).
        ({ status, retryAfter, text } = await retryOnceOnReset(async () => {
          const response = await fetchImpl(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
              accept: 'application/json',
            },
            body,
            signal: controller.signal,
          });
          return {
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
            text: await response.text(),
          };
        }));
      } catch (error) {
        lastFailure = controller.signal.aborted
          ? `timed out after ${options.timeoutMs} ms`
          : `network error: ${(error as Error).message}`;
        continue;
      } finally {
        clearTimeout(timer);
      }

      if (status >= 500 || status === 429 || status === 408) {
        lastFailure = `HTTP ${status}`;
        if (retryAfter !== null && /^\d+$/.test(retryAfter.trim()))
          retryAfterMs = Math.min(retryMaxDelayMs, Number(retryAfter.trim()) * 1000);
        continue;
      }
      if (status >= 400)
        throw createEInvoicePlatformBadRequestError({
          message: `MoF platform answered HTTP ${status} to ${action}`,
          details: { action, status },
        });

      let answer: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(text);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        answer = parsed as Record<string, unknown>;
      } catch {
        // A proxy's HTML page or a truncated body: the platform did not really answer.
        lastFailure = `HTTP ${status} with a body that is not a JSON object`;
        continue;
      }

      const code = String(answer.code ?? '');
      const message = typeof answer.msg === 'string' ? answer.msg : '';
      const kind = classifyMofAnswerCode(code);
      switch (kind) {
        case 'ok':
          return { kind: 'ok', answer };
        case 'not_found':
        case 'carrier_rejected':
          return { kind, code, message };
        case 'retryable':
          lastFailure = `code ${code} ${message}`.trim();
          continue;
        case 'bad_request':
          throw createEInvoicePlatformBadRequestError({
            message: `MoF platform rejected the ${action} parameters: ${code} ${message}`,
            details: { action, code, msg: message },
          });
        case 'rejected':
          throw createEInvoicePlatformRejectedError({
            message: `MoF platform rejected the application: ${code} ${message}`,
            details: { action, code, msg: message },
          });
        case 'query_limit':
          throw createEInvoicePlatformQueryLimitError({ details: { action, code, msg: message } });
      }
    }
    throw createEInvoicePlatformUnavailableError({
      details: { action, attempts: options.maxRetries + 1, lastFailure },
    });
  }

  function invalid(message: string, field: string): never {
    throw createEInvoicePlatformInvalidQueryError({ message, details: { field } });
  }

  function checkInvoiceKey({ invoiceNumber, invoiceDate, type }: InvoiceHeaderQuery) {
    if (!INVOICE_NUMBER_PATTERN.test(invoiceNumber))
      invalid('invoiceNumber must look like AB12345678', 'invoiceNumber');
    if (!isValidIsoDate(invoiceDate)) invalid('invoiceDate must be an ISO date', 'invoiceDate');
    if (type !== 'Barcode' && type !== 'QRCode') invalid('type must be Barcode or QRCode', 'type');
  }

  function checkCarrier({ cardNo, cardEncrypt }: CarrierCredentials) {
    if (!cardNo) invalid('cardNo is required', 'cardNo');
    if (!cardEncrypt) invalid('cardEncrypt is required', 'cardEncrypt');
  }

  function toInvoice(raw: Record<string, unknown>, action: PlatformAction): PlatformInvoice {
    const result = normalizeMofInvoice(raw, action);
    if (!result.ok)
      throw createEInvoicePlatformUnavailableError({
        message: `The MoF platform sent an invoice Proofline cannot read: ${result.reason}`,
        details: { action, reason: result.reason },
      });
    return result.invoice;
  }

  function carrierParameters({ cardNo, cardEncrypt }: CarrierCredentials) {
    const timeStamp = Math.floor(clock.now().getTime() / 1000);
    return {
      version: options.versions.carrier,
      cardType: MOBILE_BARCODE_CARD_TYPE,
      cardNo,
      cardEncrypt,
      timeStamp: String(timeStamp),
      expTimeStamp: String(timeStamp + 60),
      uuid,
    };
  }

  const { estimateWaitMs, reserve, reserveIn } = rateLimiter as Partial<DatabaseRateLimiter>;
  return {
    name: 'mof',
    rateLimiter,
    budget: {
      waitMs: estimateWaitMs ?? (() => Promise.resolve(0)),
      ratePerSecond: rateLimiter.ratePerSecond,
      ...(reserve ? { reserve } : {}),
      ...(reserveIn ? { reserveIn } : {}),
    },

    getInvoiceHeader: async (query) => {
      checkInvoiceKey(query);
      const outcome = await call('qryInvHeader', {
        version: options.versions.header,
        type: query.type,
        invNum: query.invoiceNumber,
        invDate: toMofRequestDate(query.invoiceDate),
        generation: 'V2',
        UUID: uuid,
      });
      if (outcome.kind === 'ok')
        return { status: 'found', invoice: toInvoice(outcome.answer, 'qryInvHeader') };
      return { status: 'not_found', code: outcome.code, message: outcome.message };
    },

    getInvoiceDetail: async (query, { permit } = {}) => {
      checkInvoiceKey(query);
      if (!RANDOM_CODE_PATTERN.test(query.randomCode)) invalid('randomCode must be 4 digits', 'randomCode');
      if (!PERIOD_PATTERN.test(query.period)) invalid('period must be yyyMM with an even month', 'period');
      const parameters: Record<string, string> = {
        version: options.versions.detail,
        type: query.type,
        invNum: query.invoiceNumber,
        invTerm: query.period,
        invDate: toMofRequestDate(query.invoiceDate),
        randomNumber: query.randomCode,
        generation: 'V2',
        UUID: uuid,
      };
      if (query.type === 'QRCode') {
        if (!query.encrypt || query.encrypt.length !== 24)
          invalid('encrypt (24 characters) is required with type QRCode', 'encrypt');
        if (!query.sellerBan || !BAN_PATTERN.test(query.sellerBan))
          invalid('sellerBan (8 digits) is required with type QRCode', 'sellerBan');
        parameters.encrypt = query.encrypt;
        parameters.sellerID = query.sellerBan;
      }
      const outcome = await call('qryInvDetail', parameters, permit);
      if (outcome.kind !== 'ok') return { status: 'not_found', code: outcome.code, message: outcome.message };
      const invoice = toInvoice(outcome.answer, 'qryInvDetail');
      // A wrong random code still gets code 200, with the header and no `details`.
      if (!Array.isArray(outcome.answer.details)) return { status: 'random_code_mismatch', invoice };
      return { status: 'found', invoice };
    },

    listCarrierInvoices: async (query): Promise<CarrierListResult> => {
      checkCarrier(query);
      if (!isValidIsoDate(query.dateFrom)) invalid('dateFrom must be an ISO date', 'dateFrom');
      if (!isValidIsoDate(query.dateTo)) invalid('dateTo must be an ISO date', 'dateTo');
      if (query.dateFrom > query.dateTo) invalid('dateFrom must not be after dateTo', 'dateFrom');
      if (query.page !== undefined && !(Number.isInteger(query.page) && query.page >= 1))
        invalid('page must be an integer >= 1', 'page');

      const invoices: PlatformInvoice[] = [];
      let page = query.page ?? 1;
      let totalPages = 1;
      do {
        const outcome = await call('carrierInvChk', {
          ...carrierParameters(query),
          startDate: toMofRequestDate(query.dateFrom),
          endDate: toMofRequestDate(query.dateTo),
          onlyWinningInv: 'N',
          page: String(page),
        });
        if (outcome.kind === 'carrier_rejected')
          return { status: 'carrier_rejected', code: outcome.code, message: outcome.message };
        if (outcome.kind !== 'ok') break; // not found: no invoice in the range
        const details = outcome.answer.details;
        for (const entry of Array.isArray(details) ? details : [])
          invoices.push(toInvoice(entry as Record<string, unknown>, 'carrierInvChk'));
        totalPages = Math.max(1, Number(outcome.answer.totalPage) || 1);
        page += 1;
      } while (query.page === undefined && page <= totalPages);
      return { status: 'found', invoices, pages: totalPages };
    },

    getCarrierInvoiceDetail: async (query): Promise<CarrierDetailResult> => {
      checkCarrier(query);
      if (!INVOICE_NUMBER_PATTERN.test(query.invoiceNumber))
        invalid('invoiceNumber must look like AB12345678', 'invoiceNumber');
      if (!isValidIsoDate(query.invoiceDate)) invalid('invoiceDate must be an ISO date', 'invoiceDate');
      const outcome = await call('carrierInvDetail', {
        ...carrierParameters(query),
        invNum: query.invoiceNumber,
        invDate: toMofRequestDate(query.invoiceDate),
      });
      if (outcome.kind === 'ok')
        return { status: 'found', invoice: toInvoice(outcome.answer, 'carrierInvDetail') };
      return { status: outcome.kind, code: outcome.code, message: outcome.message };
    },
  };
}
