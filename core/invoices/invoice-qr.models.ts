import iconv from 'iconv-lite';
import { isBanFormat, isValidBusinessId } from './business-id.models.js';
import { parseRocCompactDate, periodOfDate } from './invoice-dates.models.js';
import { isValidInvoiceNumber, isValidRandomCode } from './invoice-number.models.js';
import type {
  InvoiceParseResult,
  ParsedInvoice,
  ParsedInvoiceItem,
  ParseIssue,
  QrInput,
} from './invoices.types.js';

/** The left QR's fixed-width head: number 10, ROC date 7, random 4, sales 8, total 8, buyer 8, seller 8, encrypt 24. */
export const QR_HEAD_LENGTH = 77;
/** The right QR begins with this start symbol, then continues the left QR's item text. */
export const RIGHT_QR_PREFIX = '**';
/** The buyer business ID of a consumer (B2C) invoice. */
export const NO_BUYER_BAN = '00000000';

/** How the item names are encoded (the 4th field after the head). */
export const QR_ITEM_ENCODINGS = { big5: 0, utf8: 1, base64: 2, crossBorder: 3 } as const;

const COLON = 0x3a;
const STAR = 0x2a;
const CROSS_BORDER_AMOUNT_WIDTH = 10;

type Payload = { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Uint8Array };

/**
 * Parses an e-invoice proof's QR payloads: the left code alone is enough; the right code (`**` + more
 * item text) may come first or not at all. Text and raw bytes are both accepted, so Big5 item names can
 * be decoded by the payload's own encoding flag. Never throws.
 */
export function parseEInvoiceQr(first: QrInput, second?: QrInput): InvoiceParseResult {
  const a = toPayload(first);
  const b = second === undefined ? undefined : toPayload(second);
  if (!a || (isEmpty(a) && (!b || isEmpty(b))))
    return { ok: false, errors: [{ field: 'qr', reason: 'qr.empty' }] };

  let left: Payload | undefined = a;
  let right: Payload | undefined = b;
  if (isRightQr(a)) {
    left = b && !isRightQr(b) && !isEmpty(b) ? b : undefined;
    right = a;
  } else if (b && !isRightQr(b)) {
    // Two left codes (a scanner read the same code twice): the second adds nothing we can use.
    right = undefined;
  }
  if (!left) return { ok: false, errors: [{ field: 'qr', reason: 'qr.left_missing' }] };

  const { head, rest } = splitHead(left);
  if (head.length < QR_HEAD_LENGTH) return { ok: false, errors: [{ field: 'qr', reason: 'qr.too_short' }] };

  const headResult = parseHead(head);
  if (!headResult.ok) return headResult;
  const warnings = [...headResult.warnings];
  const itemsResult = parseItemArea(rest, right ? rightBody(right) : undefined);
  warnings.push(...itemsResult.warnings);

  const invoice: ParsedInvoice = {
    ...headResult.fields,
    items: itemsResult.items,
    itemsComplete: itemsResult.complete,
    source: 'qr',
  };
  return { ok: true, invoice, warnings };
}

/** True when the payload is a right QR (starts with `**`). */
export function isRightQrPayload(input: QrInput): boolean {
  const payload = toPayload(input);
  return payload !== undefined && isRightQr(payload);
}

/**
 * True when the text starts like a left QR (number + ROC date + random code with nothing between),
 * so a pasted QR can be told from typed text before it is parsed.
 */
export function looksLikeLeftQr(text: string): boolean {
  return /^[A-Za-z]{2}\d{19}[0-9A-Fa-f]/.test(text.trimStart());
}

type HeadFields = Omit<ParsedInvoice, 'items' | 'itemsComplete' | 'source'>;

function parseHead(
  head: string,
): { ok: true; fields: HeadFields; warnings: ParseIssue[] } | { ok: false; errors: ParseIssue[] } {
  const errors: ParseIssue[] = [];
  const warnings: ParseIssue[] = [];
  const invoiceNumber = head.slice(0, 10);
  const rocDate = head.slice(10, 17);
  const randomCode = head.slice(17, 21);
  const salesHex = head.slice(21, 29);
  const totalHex = head.slice(29, 37);
  const buyer = head.slice(37, 45);
  const seller = head.slice(45, 53);
  const encrypt = head.slice(53, 77);

  if (!isValidInvoiceNumber(invoiceNumber))
    errors.push({ field: 'invoiceNumber', reason: 'invoice_number.invalid' });
  const invoiceDate = parseRocCompactDate(rocDate);
  if (!invoiceDate) errors.push({ field: 'invoiceDate', reason: 'invoice_date.invalid' });
  if (!isValidRandomCode(randomCode)) errors.push({ field: 'randomCode', reason: 'random_code.invalid' });
  const salesAmount = parseHexAmount(salesHex);
  if (salesAmount === undefined) errors.push({ field: 'salesAmount', reason: 'sales_amount.invalid' });
  const totalAmount = parseHexAmount(totalHex);
  if (totalAmount === undefined) errors.push({ field: 'totalAmount', reason: 'total_amount.invalid' });
  if (!isBanFormat(buyer)) errors.push({ field: 'buyerBan', reason: 'buyer_ban.invalid' });
  else if (buyer !== NO_BUYER_BAN && !isValidBusinessId(buyer))
    warnings.push({ field: 'buyerBan', reason: 'buyer_ban.checksum' });
  if (!isBanFormat(seller)) errors.push({ field: 'sellerBan', reason: 'seller_ban.invalid' });
  // Test environments and the MoF spec's own example use dummy seller IDs: a failed checksum is a doubt
  // for the platform to settle, not a reason to refuse the proof.
  else if (!isValidBusinessId(seller)) warnings.push({ field: 'sellerBan', reason: 'seller_ban.checksum' });
  if (!/^[A-Za-z0-9+/=]{24}$/.test(encrypt)) errors.push({ field: 'encrypt', reason: 'encrypt.invalid' });

  if (errors.length > 0 || !invoiceDate || salesAmount === undefined || totalAmount === undefined)
    return { ok: false, errors };
  return {
    ok: true,
    warnings,
    fields: {
      invoiceNumber,
      invoiceDate,
      randomCode,
      period: periodOfDate(invoiceDate),
      salesAmount,
      totalAmount,
      buyerBan: buyer === NO_BUYER_BAN ? null : buyer,
      sellerBan: seller,
      encrypt,
    },
  };
}

function parseHexAmount(value: string): number | undefined {
  return /^[0-9A-Fa-f]{8}$/.test(value) ? Number.parseInt(value, 16) : undefined;
}

type ItemAreaResult = { items: ParsedInvoiceItem[]; complete: boolean; warnings: ParseIssue[] };

/**
 * The part after the head: `:` seller area `:` items recorded in both QRs `:` items on the invoice `:`
 * encoding `:` name:quantity:unitPrice… — continued by the right QR. Problems here never reject the
 * invoice (the head identifies it); they leave `itemsComplete` false and add a warning.
 */
function parseItemArea(rest: Payload, right: Payload | undefined): ItemAreaResult {
  const incomplete = (warning?: ParseIssue): ItemAreaResult => ({
    items: [],
    complete: false,
    warnings: warning ? [warning] : [],
  });
  if (isEmpty(rest)) return incomplete();
  const fields = splitLeadingFields(rest, 5);
  if (!fields) return incomplete({ field: 'items', reason: 'items.malformed' });
  const [leading, sellerArea, recordedText, totalText, flagText] = fields.fields;
  if (leading !== '' || sellerArea === undefined)
    return incomplete({ field: 'items', reason: 'items.malformed' });
  if (!/^\d+$/.test(recordedText ?? '') || !/^\d+$/.test(totalText ?? '') || !/^[0-3]$/.test(flagText ?? ''))
    return incomplete({ field: 'items', reason: 'items.malformed' });
  const recorded = Number(recordedText);
  const total = Number(totalText);
  const flag = Number(flagText);

  const decoded = decodeItemText(fields.tail, right, flag);
  const warnings: ParseIssue[] = [];
  if (decoded === undefined) return incomplete({ field: 'items', reason: 'items.undecodable' });
  if (decoded.includes('\uFFFD')) warnings.push({ field: 'items', reason: 'items.undecodable' });

  const parts = decoded.split(':');
  const cleanEnd = decoded.endsWith(':');
  if (cleanEnd || decoded === '') parts.pop();
  if (flag === QR_ITEM_ENCODINGS.crossBorder) dropCrossBorderAmounts(parts);

  const items: ParsedInvoiceItem[] = [];
  let malformed = false;
  for (let index = 0; index + 2 < parts.length; index += 3) {
    const quantity = parseDecimal(parts[index + 1] as string);
    const unitPrice = parseDecimal(parts[index + 2] as string);
    if (quantity === undefined || unitPrice === undefined) {
      malformed = true;
      break;
    }
    items.push({ name: (parts[index] as string).trim(), quantity, unitPrice });
  }
  const leftOver = parts.length % 3 !== 0;
  // Without the right QR, the left's last field may be cut mid-number ("…:1:5" of "…:1:52"): when fewer
  // items were read than recorded and the text did not end on a field boundary, drop the last item.
  if (!right && !malformed && !leftOver && !cleanEnd && items.length > 0 && items.length < recorded)
    items.pop();
  if (malformed) warnings.push({ field: 'items', reason: 'items.malformed' });
  else if (items.length > recorded || recorded > total)
    warnings.push({ field: 'items', reason: 'items.count_mismatch' });

  // Left alone and not ending on ':' the last price may still be cut, even when the counts agree.
  const mayBeCut = !right && !cleanEnd;
  const complete =
    !malformed &&
    !leftOver &&
    !mayBeCut &&
    recorded === total &&
    items.length === total &&
    !decoded.includes('\uFFFD');
  return { items, complete, warnings };
}

/** Cross-border (flag 3) item text starts with two 10-character amount fields; they are not items. */
function dropCrossBorderAmounts(parts: string[]) {
  const isAmountField = (value: string | undefined) =>
    value !== undefined && value.length === CROSS_BORDER_AMOUNT_WIDTH && /^\s*-?\d+(\.\d+)?\s*$/.test(value);
  if (isAmountField(parts[0]) && isAmountField(parts[1])) parts.splice(0, 2);
}

function parseDecimal(value: string): number | undefined {
  const trimmed = value.trim();
  if (!/^-?\d{1,12}(\.\d{1,6})?$/.test(trimmed)) return undefined;
  return Number(trimmed);
}

function decodeItemText(leftTail: Payload, right: Payload | undefined, flag: number): string | undefined {
  if (flag === QR_ITEM_ENCODINGS.base64) {
    const base64 = (payloadAscii(leftTail) + (right ? payloadAscii(right) : '')).replace(/\s+/g, '');
    if (base64 === '') return '';
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return undefined;
    return decodeCjkBytes(Buffer.from(base64, 'base64'));
  }
  const big5 = flag === QR_ITEM_ENCODINGS.big5;
  if (leftTail.kind === 'bytes' && (!right || right.kind === 'bytes')) {
    const bytes = right
      ? concatBytes(leftTail.bytes, (right as { bytes: Uint8Array }).bytes)
      : leftTail.bytes;
    return big5 ? decodeCjkBytes(bytes) : decodeUtf8(bytes);
  }
  const text = payloadText(leftTail, big5) + (right ? payloadText(right, big5) : '');
  return big5 ? (recoverBig5Mojibake(text) ?? text) : text;
}

function payloadText(payload: Payload, big5: boolean): string {
  if (payload.kind === 'text') return payload.text;
  return big5 ? decodeCjkBytes(payload.bytes) : decodeUtf8(payload.bytes);
}

function payloadAscii(payload: Payload): string {
  return payload.kind === 'text' ? payload.text : Buffer.from(payload.bytes).toString('latin1');
}

/**
 * Bytes flagged Big5: Big5 text is almost never valid UTF-8, so bytes that are valid UTF-8 with
 * non-ASCII characters come from a printer that set the wrong flag; otherwise decode as Big5 (CP950).
 */
function decodeCjkBytes(bytes: Uint8Array): string {
  const utf8 = decodeUtf8Strict(bytes);
  if (utf8 !== undefined) return utf8;
  return iconv.decode(Buffer.from(bytes), 'cp950');
}

function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const HALF_WIDTH_KATAKANA = /[\uFF61-\uFF9F]/;
const LATIN1_HIGH = /[\u0080-\u00FF]/;
/** Windows (CP932) decoders map the Shift_JIS user-defined lead bytes F0–F9 to U+E000–U+E757. */
const CP932_PRIVATE_USE_FIRST = 0xe000;
const CP932_PRIVATE_USE_LAST = 0xe757;

/**
 * Phone scanners often decode Big5 item names as Shift_JIS (`､E､GｵLｹ]` for 九二無鉛) or Latin-1. The
 * original bytes are recoverable when every character re-encodes to exactly the bytes it came from;
 * returns the Big5 reading, or undefined when the text is not such mojibake or the scanner already lost
 * bytes (U+FFFD): then the names stay as scanned and the parse carries `items.undecodable`.
 */
export function recoverBig5Mojibake(text: string): string | undefined {
  let bytes: Buffer | undefined;
  if (HALF_WIDTH_KATAKANA.test(text)) bytes = encodeShiftJisMojibake(text);
  else if (LATIN1_HIGH.test(text) && !/[^\t\n\r\x20-\xFF]/.test(text)) bytes = Buffer.from(text, 'latin1');
  if (!bytes) return undefined;
  const decoded = iconv.decode(bytes, 'cp950');
  if (decoded.includes('\uFFFD') || !/\p{Script=Han}/u.test(decoded)) return undefined;
  return decoded;
}

function encodeShiftJisMojibake(text: string): Buffer | undefined {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code === 0xfffd) return undefined;
    if (code >= CP932_PRIVATE_USE_FIRST && code <= CP932_PRIVATE_USE_LAST) {
      const index = code - CP932_PRIVATE_USE_FIRST;
      const offset = index % 188;
      bytes.push(0xf0 + Math.floor(index / 188), offset < 63 ? 0x40 + offset : 0x80 + (offset - 63));
      continue;
    }
    const encoded = iconv.encode(char, 'cp932');
    if (iconv.decode(encoded, 'cp932') !== char) return undefined;
    bytes.push(...encoded);
  }
  return Buffer.from(bytes);
}

function toPayload(input: QrInput): Payload | undefined {
  // Trailing spaces may belong to an item name cut between the two codes: strip only line breaks there.
  if (typeof input === 'string')
    return {
      kind: 'text',
      text: input
        .replace(/^\uFEFF/, '')
        .trimStart()
        .replace(/[\r\n]+$/, ''),
    };
  if (input instanceof Uint8Array) {
    let start = 0;
    if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) start = 3;
    let end = input.length;
    while (start < end && isAsciiSpace(input[start] as number)) start++;
    while (end > start && (input[end - 1] === 0x0a || input[end - 1] === 0x0d)) end--;
    return { kind: 'bytes', bytes: input.subarray(start, end) };
  }
  return undefined;
}

function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function isEmpty(payload: Payload): boolean {
  return payload.kind === 'text' ? payload.text.length === 0 : payload.bytes.length === 0;
}

function isRightQr(payload: Payload): boolean {
  return payload.kind === 'text'
    ? payload.text.startsWith(RIGHT_QR_PREFIX)
    : payload.bytes[0] === STAR && payload.bytes[1] === STAR;
}

function rightBody(payload: Payload): Payload {
  return payload.kind === 'text'
    ? { kind: 'text', text: payload.text.slice(RIGHT_QR_PREFIX.length) }
    : { kind: 'bytes', bytes: payload.bytes.subarray(RIGHT_QR_PREFIX.length) };
}

function splitHead(payload: Payload): { head: string; rest: Payload } {
  if (payload.kind === 'text')
    return {
      head: payload.text.slice(0, QR_HEAD_LENGTH),
      rest: { kind: 'text', text: payload.text.slice(QR_HEAD_LENGTH) },
    };
  return {
    head: Buffer.from(payload.bytes.subarray(0, QR_HEAD_LENGTH)).toString('latin1'),
    rest: { kind: 'bytes', bytes: payload.bytes.subarray(QR_HEAD_LENGTH) },
  };
}

/**
 * Splits off the first `count` colon-separated fields (ASCII) and returns the remaining item text,
 * still as text or bytes. A colon byte never occurs inside a Big5 or UTF-8 multi-byte character.
 */
function splitLeadingFields(
  payload: Payload,
  count: number,
): { fields: string[]; tail: Payload } | undefined {
  const fields: string[] = [];
  if (payload.kind === 'text') {
    let position = 0;
    for (let index = 0; index < count; index++) {
      const colon = payload.text.indexOf(':', position);
      if (colon < 0) {
        if (index === count - 1) {
          fields.push(payload.text.slice(position));
          return { fields, tail: { kind: 'text', text: '' } };
        }
        return undefined;
      }
      fields.push(payload.text.slice(position, colon));
      position = colon + 1;
    }
    return { fields, tail: { kind: 'text', text: payload.text.slice(position) } };
  }
  let position = 0;
  for (let index = 0; index < count; index++) {
    const colon = payload.bytes.indexOf(COLON, position);
    if (colon < 0) {
      if (index === count - 1) {
        fields.push(Buffer.from(payload.bytes.subarray(position)).toString('latin1'));
        return { fields, tail: { kind: 'bytes', bytes: new Uint8Array(0) } };
      }
      return undefined;
    }
    fields.push(Buffer.from(payload.bytes.subarray(position, colon)).toString('latin1'));
    position = colon + 1;
  }
  return { fields, tail: { kind: 'bytes', bytes: payload.bytes.subarray(position) } };
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
