import type { SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.js';

/**
 * The Ministry of Finance e-invoice platform as the rest of Proofline sees it: a port with four
 * questions. "Not found" is an answer (the merchant may not have uploaded the invoice yet), not an
 * error; transport failures that outlive the retries are AppErrors (`einvoice_platform.*`).
 */

export type InvoiceCodeType = 'Barcode' | 'QRCode';

/** What the platform says about an invoice's state (`invStatus`), normalized. */
export type PlatformInvoiceStatus = 'valid' | 'voided' | 'unknown';

export type PlatformInvoiceItem = {
  rowNum: number;
  name: string;
  /** Decimal quantities happen (fuel: 4.731 L). */
  quantity: number;
  /** TWD, as the platform sends it (may carry decimals, may be 0 on discount rows). */
  unitPrice: number;
  /** TWD; negative on discount rows. */
  amount: number;
  /** `amount` in minor units (×100, rounded). */
  amountMinor: number;
};

/** An invoice as the platform answered it, normalized; `raw` is the answer exactly as received. */
export type PlatformInvoice = {
  invoiceNumber: string;
  /** ISO `yyyy-mm-dd` (the invoice's own date, Taiwan time). */
  invoiceDate: string;
  /** `HH:mm:ss` or null when the platform gave none. */
  invoiceTime: string | null;
  /** Period code `yyyMM` (ROC year + even month) or null. */
  period: string | null;
  status: PlatformInvoiceStatus;
  /** The platform's own status text (e.g. `已確認`, `已作廢`). */
  statusText: string;
  sellerName: string;
  sellerBan: string;
  sellerAddress: string;
  /** Null when the buyer is a consumer (the platform sends '' or 00000000). */
  buyerBan: string | null;
  /** ISO 4217; the platform sends '' for TWD. */
  currency: string;
  /** TWD with tax; from `amount` when present, else the sum of the item amounts; null when unknown. */
  totalAmount: number | null;
  totalAmountMinor: number | null;
  /** 'detail' when the answer carried the item list, 'header' otherwise. */
  level: 'header' | 'detail';
  items: PlatformInvoiceItem[];
  /** Which call produced it. */
  source: PlatformAction;
  raw: Record<string, unknown>;
};

export type PlatformAction = 'qryInvHeader' | 'qryInvDetail' | 'carrierInvChk' | 'carrierInvDetail';

export type PlatformNotFound = { status: 'not_found'; code: string; message: string };

export type PlatformLookupResult = { status: 'found'; invoice: PlatformInvoice } | PlatformNotFound;

/**
 * The detail query proves possession: with a wrong random code (or QR verification field) the platform
 * returns the header without items. `invoice` is that header (it does exist).
 */
export type PlatformDetailResult =
  PlatformLookupResult | { status: 'random_code_mismatch'; invoice: PlatformInvoice };

export type PlatformCarrierRejected = { status: 'carrier_rejected'; code: string; message: string };

export type CarrierListResult =
  { status: 'found'; invoices: PlatformInvoice[]; pages: number } | PlatformCarrierRejected;

export type CarrierDetailResult = PlatformLookupResult | PlatformCarrierRejected;

export type InvoiceHeaderQuery = {
  /** `AB12345678` */
  invoiceNumber: string;
  /** ISO `yyyy-mm-dd` */
  invoiceDate: string;
  type: InvoiceCodeType;
};

export type InvoiceDetailQuery = InvoiceHeaderQuery & {
  randomCode: string;
  /** `yyyMM`, the period's even month. */
  period: string;
  /** The 24-character verification field of the left QR (required for type QRCode). */
  encrypt?: string;
  /** The seller's business ID (required for type QRCode). */
  sellerBan?: string;
};

export type CarrierCredentials = {
  /** Mobile barcode `/ABC+123`. */
  cardNo: string;
  /** The carrier's verification code set by its owner. */
  cardEncrypt: string;
};

export type CarrierListQuery = CarrierCredentials & {
  /** ISO dates, inclusive. */
  dateFrom: string;
  dateTo: string;
  /** Fetch this page only; all pages when omitted. */
  page?: number;
};

export type CarrierDetailQuery = CarrierCredentials & { invoiceNumber: string; invoiceDate: string };

/**
 * A permit taken on the deployment's budget ahead of its question (`budget.reserve`): the question's
 * first attempt uses it instead of taking another. Used once; a retry takes a fresh one.
 */
export type BudgetPermit = {
  /** The budget it was taken on. */
  readonly key: string;
  /** When (this process's wall time, ms) it may be used. */
  readonly at: number;
};

/**
 * The decision `budget.reserve` asks for, inside the caller's transaction: given the budget's backlog
 * (ms a permit taken now would wait), whether to take a permit now. It may read in the same transaction.
 */
export type BudgetDecision = (backlogMs: number) => Promise<boolean> | boolean;

/** What a `BudgetTurn`'s statement returns: the permit's wait (ms), null when it took none; and its own. */
export type BudgetTurnRow = { wait_ms: number | string | null };

/**
 * `budget.reserve` as one statement of the caller's (one round trip instead of a lock, the caller's reads
 * and a take): given the budget's key, its interval between permits and its burst tolerance (ms), the
 * statement locks the budget's row until the transaction ends, decides, and — only when it says yes —
 * takes a permit as `reserve` takes it, returning a `BudgetTurnRow`.
 */
export type BudgetTurn = (budget: { key: string; intervalMs: number; toleranceMs: number }) => SQL;

export type EInvoicePlatform = {
  /** Proves the invoice exists (number + date); not that the sender holds it. */
  getInvoiceHeader: (query: InvoiceHeaderQuery) => Promise<PlatformLookupResult>;
  /**
   * Proves possession (random code); the platform caps these per invoice, so store the answer.
   * `permit`: one reserved for this question (`budget.reserve`), used instead of waiting for another.
   */
  getInvoiceDetail: (
    query: InvoiceDetailQuery,
    options?: { permit?: BudgetPermit },
  ) => Promise<PlatformDetailResult>;
  listCarrierInvoices: (query: CarrierListQuery) => Promise<CarrierListResult>;
  getCarrierInvoiceDetail: (query: CarrierDetailQuery) => Promise<CarrierDetailResult>;
  /**
   * The platform's budget as seen now: how long (ms) a question asked now would wait for its permit, and
   * the permits per second. Absent: the adapter has no budget to report (fakes).
   */
  budget?: {
    waitMs: () => Promise<number>;
    ratePerSecond: number;
    /**
     * "Ask now or not" as one atomic decision in the caller's transaction `tx`: locks the budget (until
     * `tx` ends: no other permit or decision interleaves), hands `decide` its backlog, and takes a permit
     * when `decide` says yes. A permit is taken only then, and `tx` rolling back returns it. Absent: the
     * budget is not shared through a database (permits are taken as questions are asked).
     */
    reserve?: (tx: Executor, decide: BudgetDecision) => Promise<BudgetPermit | undefined>;
    /** `reserve` as one statement of the caller's (`BudgetTurn`); absent as `reserve` is. */
    reserveIn?: <Row extends BudgetTurnRow>(
      tx: Executor,
      turn: BudgetTurn,
    ) => Promise<{ row: Row | undefined; permit?: BudgetPermit }>;
  };
};

export type EInvoicePlatformName = 'mof';
