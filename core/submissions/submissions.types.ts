import type { RewardQuantities, RuleName, RulesDecision, RulesInvoice } from '../campaigns/index.js';
import type { Database, Executor } from '../db/database.js';
import type { ParsedInvoice, PartialProof } from '../invoices/index.js';
import type { GrantRewardsResult } from '../rewards/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { EInvoicePlatform, PlatformDetailResult } from '../verification/index.js';
import type { SubmitOutcome } from './submissions.models.js';
import type { Submission } from './submissions.repository.js';

export type SubmissionChannel = 'chat' | 'liff' | 'console' | 'cli';

export type ProofInput =
  /** Free text from the chat or the LIFF form: typed invoice, pasted QR, barcode + date. */
  | { type: 'text'; text: string }
  /** An e-invoice already parsed by the caller (LIFF scanner, photo QR decoding). */
  | { type: 'einvoice'; invoice: ParsedInvoice }
  /** A stored photo (receipts capability); read by `readReceiptProof` when wired, else reviewed. */
  | { type: 'receipt_image'; receiptImageId: string };

export type SubmitProofCommand = {
  brandId: string;
  memberId: string;
  /** When omitted, the brand's active campaign that accepts this proof kind. */
  campaignId?: string;
  channel: SubmissionChannel;
  /** The webhook event id or request id: the same ref returns the same result and has no second effect. */
  sourceRef: string;
  input: ProofInput;
  /** When the member sent it (the webhook event's arrival): how long they have waited already. */
  receivedAt?: Date;
  /**
   * The brand's active campaigns' row stamps as the event's context read saw them (`activeCampaignStamps`):
   * when all match rows read before, the campaign is not read again. Unset: read.
   */
  activeCampaigns?: readonly string[];
  /**
   * The submission of `sourceRef` as the caller read it ahead, alongside other work (the chat starts the
   * read while it fetches a new member's LINE profile or reads their open question): not read again.
   * Unset: read here.
   */
  seenBefore?: Promise<Submission | undefined>;
  /**
   * Set by a caller that commits the proof's answer in a transaction of its own right after (the chat's
   * webhook worker): a proof checked in the request, once the platform has answered, is not decided in a
   * transaction of its own; the result carries the decision (`decideIn`) for the caller's transaction, so
   * the decision and the answer commit together. Unset: decided here.
   */
  decideInCallersTransaction?: boolean;
};

/** A problem with the proof, as data the bot translates: `{ field: 'randomCode', reason: 'random_code.missing' }`. */
export type SubmissionIssue = { field: string; reason: string };

/** What is stored on `submissions.decision`: the verification answer and every rule's verdict. */
export type SubmissionDecision = Omit<RulesDecision, 'rewards'> & {
  verification?: { status: PlatformDetailResult['status'] | 'reviewed' | 'read'; checkedAt: string };
  /** Reward quantities the campaign's settings computed. */
  rewards: RewardQuantities;
  /** What the rewards capability actually granted (after its own caps). */
  granted?: GrantRewardsResult;
  reviewedBy?: string;
  decidedAt: string;
  /**
   * Rewards held until the member registers (the campaign requires registration before rewards); the
   * proof stays `accepted` until registration releases them and it becomes `rewarded`.
   */
  heldFor?: 'registration';
};

/** One carrier invoice that was not accepted, and why (a reason key). */
export type CarrierInvoiceRejection = { invoiceNumber: string; invoiceDate: string; reason: string };

/**
 * What a mobile barcode carrier proof did: the carrier's invoices inside the campaign's purchase window
 * (clipped to the range the member gave), each registered as its own submission.
 */
export type CarrierSummary = {
  barcode: string;
  dateFrom: string;
  dateTo: string;
  /** Invoices the platform listed inside the window. */
  found: number;
  accepted: number;
  /** Already held in the campaign (by anyone; `alreadyYours` of them by this member). */
  alreadyRegistered: number;
  alreadyYours: number;
  rejected: CarrierInvoiceRejection[];
  /** Still waiting for the platform (retried later by the verification job). */
  pending: number;
  /** What the accepted invoices granted, summed. */
  rewards: { points: number; entries: number };
};

export type SubmitProofResult = {
  outcome: SubmitOutcome;
  /** Set for a carrier proof once its invoices were listed. */
  carrier?: CarrierSummary;
  submission?: Submission;
  decision?: SubmissionDecision;
  errors?: SubmissionIssue[];
  /** When the platform will be asked again (awaiting upload). */
  nextCheckAt?: Date;
  /** Queued: the proof's 1-based place among the checks waiting for the platform, and the expected wait. */
  queue?: ProofQueuePlace;
  rewards?: { quantities: RewardQuantities; granted?: GrantRewardsResult };
  /** What was read of an incomplete proof; the chat or LIFF app asks for the rest. */
  partial?: PartialProof;
  /**
   * `decideInCallersTransaction`: the proof's decision, for the caller to run in its transaction (it
   * returns the decided result; the proof meanwhile is `being_checked`, leased to this request). Unrun
   * (the transaction rolled back), the proof stays leased and the retry worker decides it once the lease
   * lapses.
   */
  decideIn?: (tx: Executor) => Promise<SubmitProofResult>;
};

/**
 * Called in the transaction that decided a proof, only when this call changed it (never for a lost race
 * or a proof already decided): what it writes (an audit row) commits or rolls back with the decision.
 */
export type OnDecided = (tx: Executor, result: SubmitProofResult) => Promise<unknown>;

/**
 * Extension point for photo proofs, filled in by the receipts capability: read a stored image into a
 * purchase the rules can judge, or say it needs a reviewer. Without it, every photo goes to review.
 */
export type ReceiptProofReader = (args: {
  brandId: string;
  memberId: string;
  receiptImageId: string;
}) => Promise<
  | { status: 'needs_review'; reason?: string }
  /** Part of an e-invoice proof (the number and code printed beside a right QR code, no sure date). */
  | { status: 'partial'; partial: PartialProof }
  /** A photo of an e-invoice proof whose QR codes were read: verified like a scanned QR. */
  | { status: 'einvoice'; invoice: ParsedInvoice }
  | {
      status: 'read';
      invoice: RulesInvoice & { invoiceTime?: string | null };
      kind: 'receipt' | 'paper_invoice';
      /** Confident enough to decide without a reviewer (the campaign must also auto-accept receipts). */
      confident: boolean;
      /**
       * Whether a failed rule may refuse the proof without a reviewer (the fields it judges were read
       * surely); when it may not, the proof waits for review instead. @default every rule may
       */
      mayRefuseOn?: (rule: RuleName) => boolean;
    }
>;

export type ProofQueuePlace = { position: number; etaMs: number };

export type SubmissionsDeps = {
  db: Database;
  /** The carrier questions are optional: without them a carrier proof is answered `carrier.not_supported`. */
  platform: Pick<EInvoicePlatform, 'getInvoiceDetail'> &
    Partial<Pick<EInvoicePlatform, 'listCarrierInvoices' | 'getCarrierInvoiceDetail' | 'budget'>>;
  clock: Clock;
  generateId: IdGenerator;
  logger?: Logger;
  readReceiptProof?: ReceiptProofReader;
  /** How long a claimed submission is leased to its runner. @default 5 minutes */
  leaseMs?: number;
  /**
   * A chat proof whose instant check would keep the member waiting longer than this (ms, counted from
   * `receivedAt`: the platform budget's backlog and the checks queued ahead) is not checked in the
   * member's request: it is queued for the retry worker, and answered at once with its place. Unset: the
   * check always runs in the request.
   */
  answerAtOnceAfterMs?: number;
};
