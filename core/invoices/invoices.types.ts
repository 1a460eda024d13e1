/**
 * Shapes produced by the Taiwan e-invoice parsers. Everything here is plain data: the parsers are pure and
 * total, so a bad input comes back as `ParseIssue`s, never as a thrown error.
 */

/** One line of an e-invoice as printed in its QR codes. Amounts are NT$ major units (may be decimal). */
export type ParsedInvoiceItem = {
  name: string;
  /** Decimal quantities occur (fuel: `5.20` litres). */
  quantity: number;
  /** Decimal unit prices occur (fuel: `23.30`); discount lines may be negative. */
  unitPrice: number;
};

/** What a proof says about one e-invoice, whatever form it arrived in (QR, barcode, typed text). */
export type ParsedInvoice = {
  /** Two uppercase letters + 8 digits, no dash: `AB12345678`. */
  invoiceNumber: string;
  /** Gregorian ISO date `yyyy-mm-dd` (the proof prints the ROC calendar). */
  invoiceDate: string;
  /** The 4-digit random code; null only when a caller allowed typed text without it. */
  randomCode: string | null;
  /** Bimonthly period code `yyyMM` (ROC year + the period's even month), derived from the date. */
  period: string;
  /** Amount before tax, NT$ major units, from the QR; null when the proof does not carry it. */
  salesAmount: number | null;
  /** Amount with tax, NT$ major units, from the QR; null when the proof does not carry it. */
  totalAmount: number | null;
  /** Buyer business ID; null for a consumer (`00000000` in the QR) or when unknown. */
  buyerBan: string | null;
  /** Seller business ID, from the QR. */
  sellerBan: string | null;
  /** The QR's 24-character verification field (needed by the MoF detail query of type `QRCode`). */
  encrypt: string | null;
  /** Items read from the QR codes (left + right); empty for barcode and typed text. */
  items: ParsedInvoiceItem[];
  /** True when every item of the invoice was read (the QRs recorded them all and both codes were read). */
  itemsComplete: boolean;
  source: 'qr' | 'barcode' | 'text';
};

/** The field a parse issue is about; the bot and LIFF highlight or ask for it. */
export type ParseField =
  | 'text'
  | 'qr'
  | 'invoiceNumber'
  | 'invoiceDate'
  | 'randomCode'
  | 'salesAmount'
  | 'totalAmount'
  | 'buyerBan'
  | 'sellerBan'
  | 'encrypt'
  | 'items'
  | 'barcode'
  | 'period'
  | 'carrierBarcode'
  | 'verificationCode'
  | 'dateRange';

/**
 * Every reason a parser can give, as a stable dotted code for message catalogs (zh-TW/th/en). Never
 * rename one: translations and analytics key on them. Add new ones at the end.
 */
export const PARSE_ISSUE_REASONS = [
  'qr.empty',
  'qr.too_short',
  'qr.left_missing',
  'invoice_number.missing',
  'invoice_number.invalid',
  'invoice_number.ambiguous',
  'invoice_date.missing',
  'invoice_date.invalid',
  'invoice_date.ambiguous',
  'invoice_date.outside_period',
  'random_code.missing',
  'random_code.invalid',
  'random_code.ambiguous',
  'sales_amount.invalid',
  'total_amount.invalid',
  'buyer_ban.invalid',
  'buyer_ban.checksum',
  'seller_ban.invalid',
  'seller_ban.checksum',
  'encrypt.invalid',
  'items.malformed',
  'items.undecodable',
  'items.count_mismatch',
  'barcode.invalid',
  'period.invalid',
  'carrier_barcode.invalid',
  'verification_code.missing',
  'verification_code.invalid',
  'date_range.incomplete',
  'date_range.invalid',
  'date_range.reversed',
] as const;

export type ParseReason = (typeof PARSE_ISSUE_REASONS)[number];

/** One thing wrong (an error) or doubtful (a warning) with a proof, as data the bot can translate. */
export type ParseIssue = {
  field: ParseField;
  reason: ParseReason;
};

/** Raw scanner output: text, or bytes (so Big5 item names can be decoded by the payload's own flag). */
export type QrInput = string | Uint8Array;

/**
 * Result of a parser that yields an invoice. `warnings` are doubts that do not stop the proof (a seller
 * BAN failing its checksum, truncated items); the MoF platform remains the authority.
 */
export type InvoiceParseResult =
  { ok: true; invoice: ParsedInvoice; warnings: ParseIssue[] } | { ok: false; errors: ParseIssue[] };

/** The 19-character Code 39 barcode: period + number + random code; it carries no date. */
export type ParsedBarcode = {
  /** `yyyMM`, the period's even month. */
  period: string;
  invoiceNumber: string;
  randomCode: string;
};

export type BarcodeParseResult = { ok: true; barcode: ParsedBarcode } | { ok: false; errors: ParseIssue[] };

/** A mobile barcode carrier (手機條碼) with the verification code its owner set. */
export type CarrierProof = {
  /** `/` + 7 characters of `0-9A-Z.+-`, uppercase. */
  barcode: string;
  verificationCode: string;
  /** Gregorian `yyyy-mm-dd`, inclusive. */
  dateFrom?: string;
  /** Gregorian `yyyy-mm-dd`, inclusive. */
  dateTo?: string;
};

export type CarrierParseResult = { ok: true; carrier: CarrierProof } | { ok: false; errors: ParseIssue[] };

/** What a free-text message (chat or LIFF form) turned out to be. */
export type ProofTextResult =
  | { kind: 'einvoice'; invoice: ParsedInvoice; warnings: ParseIssue[] }
  | { kind: 'carrier'; carrier: CarrierProof }
  /** It looked like a proof attempt but is wrong or incomplete: tell the sender exactly what. */
  | { kind: 'invalid'; errors: ParseIssue[] }
  /** Ordinary chat text: the bot treats it as a command or shows help. */
  | { kind: 'not_a_proof' };
