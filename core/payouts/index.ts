export {
  buildHeldProofRejectedMessages,
  buildProofReversedMessages,
  isPlatformChecked,
  PLATFORM_CHECKED_KINDS,
  PROOF_REJECTED_REASON,
  RECHECK_FRESH_MS,
  RECHECK_POINTS_WINDOW_DAYS,
  REVIEW_CHECKED_KINDS,
  standingOfAnswer,
  type ProofStanding,
} from './payouts.models.js';
export { createPayoutRecheckUnavailableError } from './payouts.errors.js';
export {
  INVOICE_VOIDED_REASON,
  recheckAndReverse,
  recheckProofsOnPlatform,
  recheckRecentPointsOfMember,
  reverseVoidedProof,
  type PlatformSource,
  type RecheckDeps,
  type ReverseProofResult,
} from './payouts.usecases.js';
export {
  listDrawsAwaitingPayout,
  settleDrawsAwaitingPayout,
  settleDrawWinners,
  type SettleDrawResult,
} from './draw-payouts.usecases.js';
export {
  confirmHeldProof,
  listHeldWinnerProofs,
  rejectHeldProof,
  type HeldProofDecision,
  type HeldProofDeps,
  type HeldWin,
} from './held-proofs.usecases.js';
