export { submissions, type SubmissionState } from './submissions.table.js';
export {
  createSubmissionsRepository,
  type InvoiceRecord,
  type Submission,
  type SubmissionsRepository,
} from './submissions.repository.js';
export {
  carrierInvoiceSourceRef,
  carrierListWindow,
  nextCheckAfter,
  outcomeOfState,
  receiptProofKey,
  reuseStoredAnswer,
  rulesInvoiceFromParsed,
  rulesInvoiceFromPlatform,
  taiwanInvoiceProofKey,
  uploadDeadline,
  type StoredPlatformAnswer,
  type SubmitOutcome,
} from './submissions.models.js';
export { decideReviewedSubmission, submitProof } from './submissions.usecases.js';
export { verifyDueSubmissions } from './submissions.verify.js';
export { createChatProofSubmitter } from './submissions.intake.js';
export { handOffRewards, resultOfStored } from './submissions.decide.js';
export { checkClaimedSubmission, type AnsweredCheck } from './submissions.einvoice.js';
export { settleAnswers } from './submissions.batch.js';
export { releaseRewardsHeldForRegistration, type ReleasedRewards } from './submissions.held.js';
export type {
  CarrierInvoiceRejection,
  CarrierSummary,
  OnDecided,
  ProofInput,
  ReceiptProofReader,
  SubmissionChannel,
  SubmissionDecision,
  SubmissionIssue,
  SubmissionsDeps,
  SubmitProofCommand,
  SubmitProofResult,
} from './submissions.types.js';
export { createSubmissionNotFoundError, createSubmissionNotReviewableError } from './submissions.errors.js';
export {
  checkInvoiceSchema,
  checkProofs,
  rulesInvoiceFromObject,
  type CheckInvoice,
  type CheckProof,
  type CheckProofsDeps,
  type CheckVerdict,
  type PhotoProofReader,
  type ProofCheck,
} from './submissions.check.js';
export { judgeRules } from './submissions.decide.js';
export {
  countDecidedSubmissions,
  DECIDED_STATES,
  listDecidedSubmissionIds,
  readDecidedSubmissions,
  rulesInvoiceFromRecord,
  type DecidedSubmission,
} from './submissions.replay.js';
