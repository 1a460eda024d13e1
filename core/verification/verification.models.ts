import { createHmac } from 'node:crypto';
import type {
  PlatformAction,
  PlatformInvoice,
  PlatformInvoiceItem,
  PlatformInvoiceStatus,
} from './verification.types.js';

/**
 * Pure knowledge of the MoF e-invoice API: its answer codes, its date and number formats, and the
 * mapping of its JSON answers to `PlatformInvoice`. The HTTP adapter and the simulator share it.
 */

/** Answer codes of the MoF API (電子發票應用API規格) and what each means to a caller. */
export const MOF_ANSWER_CODES = {
  '200': { message: '執行成功', kind: 'ok' },
  '500': { message: '系統執行錯誤', kind: 'retryable' },
  '903': { message: '參數錯誤', kind: 'bad_request' },
  '904': { message: '錯誤的查詢種類', kind: 'bad_request' },
  '914': { message: '查無此發票詳細資料', kind: 'not_found' },
  '915': { message: '查無此發票', kind: 'not_found' },
  '950': { message: '超過最大查詢次數', kind: 'query_limit' },
  '951': { message: '連線逾時', kind: 'retryable' },
  '953': { message: '卡片檢查碼有誤（偽造卡片）', kind: 'carrier_rejected' },
  '954': { message: '簽名有誤（偽造之訊息、傳遞不完整）', kind: 'rejected' },
  '997': { message: 'UUID不符合規定（黑名單）', kind: 'rejected' },
  '998': { message: 'appID不符合規定（可能是被停權或是從未申請該appID）', kind: 'rejected' },
  '999': { message: '未知錯誤', kind: 'retryable' },
} as const satisfies Record<string, { message: string; kind: MofAnswerKind }>;

export type MofAnswerCode = keyof typeof MOF_ANSWER_CODES;

export type MofAnswerKind =
  'ok' | 'not_found' | 'carrier_rejected' | 'query_limit' | 'bad_request' | 'rejected' | 'retryable';

export function classifyMofAnswerCode(code: string): MofAnswerKind {
  const known = (MOF_ANSWER_CODES as Record<string, { kind: MofAnswerKind }>)[code];
  // An unknown code is most likely a new platform-side failure: worth a retry, never a verdict.
  return known?.kind ?? 'retryable';
}

/** The calls Proofline makes: path, action, and whether the spec requires the HMAC signature. */
export const MOF_ACTIONS = {
  qryInvHeader: { path: '/PB2CAPIVAN/invapp/InvApp', signed: false },
  qryInvDetail: { path: '/PB2CAPIVAN/invapp/InvApp', signed: false },
  carrierInvChk: { path: '/PB2CAPIVAN/invServ/InvServ', signed: false },
  carrierInvDetail: { path: '/PB2CAPIVAN/invServ/InvServ', signed: false },
} as const satisfies Record<PlatformAction, { path: string; signed: boolean }>;

/** Mobile barcode carrier type code. */
export const MOBILE_BARCODE_CARD_TYPE = '3J0002';

const STATUS_BY_TEXT: Record<string, PlatformInvoiceStatus> = {
  已確認: 'valid',
  已開立: 'valid',
  '2': 'valid',
  已作廢: 'voided',
  作廢: 'voided',
  已註銷: 'voided',
};

export function normalizeInvoiceStatus(text: string): PlatformInvoiceStatus {
  return STATUS_BY_TEXT[text.trim()] ?? 'unknown';
}

export const INVOICE_NUMBER_PATTERN = /^[A-Z]{2}\d{8}$/;
export const ISO_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const PERIOD_PATTERN = /^\d{3}(0[2468]|1[02])$/;
export const RANDOM_CODE_PATTERN = /^\d{4}$/;
export const BAN_PATTERN = /^\d{8}$/;
export const MOBILE_BARCODE_PATTERN = /^\/[0-9A-Z.+-]{7}$/;

export function isValidIsoDate(value: string): boolean {
  if (!ISO_DATE_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** `2024-11-05` → `2024/11/05` (the API's request format). */
export function toMofRequestDate(isoDate: string): string {
  return isoDate.replaceAll('-', '/');
}

/** `2024/11/05` (request format) → `2024-11-05`, or undefined. */
export function fromMofRequestDate(value: string): string | undefined {
  const match = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const iso = `${match[1]}-${match[2]}-${match[3]}`;
  return isValidIsoDate(iso) ? iso : undefined;
}

/** The period code (`yyyMM`, the even month, ROC year) of an ISO date. */
export function periodOfIsoDate(isoDate: string): string {
  const year = Number(isoDate.slice(0, 4));
  const month = Number(isoDate.slice(5, 7));
  const evenMonth = month % 2 === 0 ? month : month + 1;
  return `${String(year - 1911).padStart(3, '0')}${String(evenMonth).padStart(2, '0')}`;
}

const TAIPEI_OFFSET_MS = 8 * 3_600_000;

/**
 * The answer's `invDate` as an ISO date. The invoice calls send `yyyyMMdd`; the carrier list sends a
 * serialized java.util.Date whose `time` (epoch ms) is the reliable field (its `year` is Gregorian−1900
 * and its `month` 0-based).
 */
export function mofAnswerDateToIso(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
    if (compact) {
      const iso = `${compact[1]}-${compact[2]}-${compact[3]}`;
      return isValidIsoDate(iso) ? iso : undefined;
    }
    return fromMofRequestDate(value) ?? (isValidIsoDate(value) ? value : undefined);
  }
  if (value && typeof value === 'object' && 'time' in value) {
    const time = Number((value as { time: unknown }).time);
    if (!Number.isFinite(time)) return undefined;
    return new Date(time + TAIPEI_OFFSET_MS).toISOString().slice(0, 10);
  }
  return undefined;
}

/** The serialized java.util.Date the carrier list uses for `invDate` (Asia/Taipei). */
export function toJavaDateObject(isoDate: string, time = '00:00:00') {
  const epoch = Date.parse(`${isoDate}T${time}+08:00`);
  const local = new Date(epoch + TAIPEI_OFFSET_MS);
  return {
    year: String(local.getUTCFullYear() - 1900),
    month: String(local.getUTCMonth()),
    date: String(local.getUTCDate()),
    day: String(local.getUTCDay()),
    hours: String(local.getUTCHours()),
    minutes: String(local.getUTCMinutes()),
    seconds: String(local.getUTCSeconds()),
    time: String(epoch),
    timezoneOffset: '-480',
  };
}

/** A number the API sent as a string ('4.731', '-35', ''); undefined when it is not one. */
export function parseMofNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().replaceAll(',', '');
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

export function toMinorUnits(amount: number): number {
  return Math.round(amount * 100);
}

export type NormalizeResult = { ok: true; invoice: PlatformInvoice } | { ok: false; reason: string };

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/**
 * Maps one invoice object of an answer (the whole answer for qryInv*, carrierInvDetail; one element of
 * `details` for carrierInvChk) to a PlatformInvoice. Returns a reason instead of throwing when the
 * answer lacks what an invoice must have.
 */
export function normalizeMofInvoice(raw: Record<string, unknown>, source: PlatformAction): NormalizeResult {
  const invoiceNumber = text(raw.invNum).toUpperCase();
  if (!INVOICE_NUMBER_PATTERN.test(invoiceNumber))
    return { ok: false, reason: `invNum "${invoiceNumber}" is not an invoice number` };
  const invoiceDate = mofAnswerDateToIso(raw.invDate);
  if (!invoiceDate) return { ok: false, reason: `invDate ${JSON.stringify(raw.invDate)} is not a date` };

  const items: PlatformInvoiceItem[] = [];
  const details = source === 'carrierInvChk' ? undefined : raw.details;
  if (details !== undefined && !Array.isArray(details)) return { ok: false, reason: 'details is not a list' };
  for (const [index, entry] of (details ?? []).entries()) {
    if (!entry || typeof entry !== 'object')
      return { ok: false, reason: `details[${index}] is not an object` };
    const row = entry as Record<string, unknown>;
    const quantity = parseMofNumber(row.quantity);
    const unitPrice = parseMofNumber(row.unitPrice);
    const amount = parseMofNumber(row.amount);
    if (quantity === undefined || unitPrice === undefined || amount === undefined)
      return { ok: false, reason: `details[${index}] has a non-numeric quantity, unitPrice or amount` };
    items.push({
      rowNum: parseMofNumber(row.rowNum) ?? index + 1,
      name: text(row.description),
      quantity,
      unitPrice,
      amount,
      amountMinor: toMinorUnits(amount),
    });
  }

  const declaredTotal = parseMofNumber(raw.amount);
  const totalAmount =
    declaredTotal ?? (items.length > 0 ? items.reduce((sum, item) => sum + item.amountMinor, 0) / 100 : null);
  const buyerBan = text(raw.buyerBan);
  const statusText = text(raw.invStatus);
  const period = text(raw.invPeriod);
  const time = text(raw.invoiceTime);

  return {
    ok: true,
    invoice: {
      invoiceNumber,
      invoiceDate,
      invoiceTime: /^\d{2}:\d{2}:\d{2}$/.test(time) ? time : null,
      period: PERIOD_PATTERN.test(period) ? period : null,
      status: normalizeInvoiceStatus(statusText),
      statusText,
      sellerName: text(raw.sellerName),
      sellerBan: text(raw.sellerBan),
      sellerAddress: text(raw.sellerAddress),
      buyerBan: buyerBan === '' || /^0{8}$/.test(buyerBan) ? null : buyerBan,
      currency: text(raw.currency) || 'TWD',
      totalAmount,
      totalAmountMinor: totalAmount === null ? null : toMinorUnits(totalAmount),
      level: Array.isArray(details) ? 'detail' : 'header',
      items,
      source,
      raw,
    },
  };
}

/**
 * The HMAC-SHA256 signature some MoF actions require (donation, carrier aggregation): Base64 of the
 * HMAC of the parameters sorted by name and joined as `k=v&k=v`, keyed with the API key. The four
 * calls of the port are not signed (spec v1.7/v1.9); `MOF_ACTIONS[action].signed` says so.
 */
export function signMofParameters(parameters: Record<string, string>, apiKey: string): string {
  const canonical = Object.keys(parameters)
    .filter((key) => key !== 'signature')
    .sort()
    .map((key) => `${key}=${parameters[key]}`)
    .join('&');
  return createHmac('sha256', apiKey).update(canonical, 'utf8').digest('base64');
}
