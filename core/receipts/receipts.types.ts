import type { ParsedInvoice, PartialProof } from '../invoices/index.js';

/** MYR appears on the development scans (Malaysia); Proofline's campaigns run in TWD and THB. */
export type ReceiptCurrency = 'THB' | 'TWD' | 'MYR' | 'UNKNOWN';

export type ReceiptItem = {
  name: string;
  quantity: number;
  /** Minor units, when printed and consistent with the amount. */
  unitPriceMinor?: number;
  /** Minor units; negative for a discount row. */
  amountMinor: number;
  discount?: boolean;
  /**
   * The amount is not the one read: OCR's reading was taken as a look-alike digit misread and replaced by what
   * the total leaves for it, or a bare number read as cents (its decimal point lost: `13250`), because the items
   * then add up (`itemsAddingUpTo`). The items' own sum then backs nothing: their confidence drops.
   */
  repaired?: boolean;
};

export type ReceiptFieldName =
  | 'storeName'
  | 'branch'
  | 'address'
  | 'taxId'
  | 'invoiceNumber'
  | 'date'
  | 'time'
  | 'totalAmount'
  | 'vatAmount'
  | 'items';

export type ReceiptFields = {
  storeName?: string;
  branch?: string;
  address?: string;
  /** Thai 13-digit tax ID or Taiwan 8-digit business ID (BAN) of the seller. */
  taxId?: string;
  taxIdKind?: 'th' | 'tw' | 'my';
  /** Taiwan paper invoice number, `AB12345678`. */
  invoiceNumber?: string;
  /** Gregorian `yyyy-mm-dd`. */
  date?: string;
  /** `HH:MM`, 24 h. */
  time?: string;
  totalMinor?: number;
  /**
   * The amount OCR read beside the total's label, when the total is not it: that reading was taken as a look-alike
   * digit misread of the amount two of the receipt's own sums agree on (`findMoney`). Such a total is never sure.
   */
  totalReadAs?: number;
  /**
   * What the receipt's own rounded-total row read, when it is another amount than the total chosen (`findMoney`): the
   * sums may be right, but a row that says it is the total disagrees. Such a total is never sure, like `totalReadAs`.
   */
  totalContradictedBy?: number;
  subtotalMinor?: number;
  vatMinor?: number;
  items: ReceiptItem[];
};

export type ParsedReceipt = {
  kind: 'paper-invoice' | 'receipt';
  currency: ReceiptCurrency;
  fields: ReceiptFields;
  /** Per field 0..1, and `overall` from the fields a proof needs. */
  confidence: Partial<Record<ReceiptFieldName, number>> & { overall: number };
  /** Which of the receipt's own sums agree with the total. */
  checks: { itemsSum: boolean; subtotalPlusTax: boolean; cashMinusChange: boolean };
};

export type ReadingKind = 'einvoice' | 'paper-invoice' | 'receipt' | 'unreadable';

/** What reading a photo produced; stored on the receipt_images row as JSON. */
export type ReceiptReading = {
  kind: ReadingKind;
  qr?: {
    left?: string;
    right?: string;
    /** The e-invoice read from the QR pair, when the left code parsed. */
    invoice?: ParsedInvoice;
    /** Every QR code text found in the photo. */
    codes: string[];
    /** Part of an e-invoice: the number and code printed beside a right QR code, the date unsure. */
    partial?: PartialProof;
  };
  fields: ReceiptFields;
  currency: ReceiptCurrency;
  confidence: Partial<Record<ReceiptFieldName, number>> & { overall: number };
  checks?: ParsedReceipt['checks'];
  ocr?: { engine: string; confidence: number; lines: string[]; error?: string };
  timings: {
    normaliseMs: number;
    qrMs: number;
    ocrMs?: number;
    parseMs?: number;
    totalMs: number;
    /** The OCR passes run, in order, each with its preparation and recognition time. */
    passes?: { name: string; ms: number }[];
  };
};
