import type { SubmissionState } from '../submissions/index.js';
import type { LocalizedText } from '../campaigns/index.js';
import type { Locale } from '../i18n/index.js';

/**
 * A survey offered in the chat: its next question with one postback per choice (answered by a
 * quick-reply tap), or, without a question, a link to answer it in the LIFF app.
 */
export type SurveyPrompt = {
  title: LocalizedText;
  question?: {
    label: LocalizedText;
    /** 1-based position among the questions the chat asks, and how many it asks. */
    number: number;
    count: number;
    options: { label: LocalizedText; data: string }[];
    /** Postback data of "skip" (optional questions only). */
    skipData?: string;
  };
  /** Also offer the whole survey in the LIFF app (it has questions the chat cannot take). */
  offerApp: boolean;
};

/**
 * What Proofline answers, as data. Core decides the answer; the bot renders it (Flex cards, quick
 * replies) in the member's language. No user-facing text lives here: only keys and values.
 */
export type ProofAnswer = {
  kind: 'proof';
  outcome:
    | 'accepted'
    | 'queued'
    | 'being_checked'
    | 'awaiting_upload'
    | 'in_review'
    | 'rejected'
    | 'duplicate_self'
    | 'duplicate_other'
    | 'invalid'
    | 'no_active_campaign';
  pointsEarned?: number;
  entries?: number;
  balance?: number;
  /** Received and waiting for its turn with the e-invoice platform (queued): 1-based place, and the wait. */
  queue?: { position: number; etaMs: number };
  /** ISO time of the next check with the e-invoice platform (being checked, awaiting upload). */
  nextCheckAt?: string;
  /** The failing rules, as catalog keys with their values (rejected). */
  reasons?: { key: string; params: Record<string, string | number | null> }[];
  /** What is wrong in what the member typed (invalid). */
  issues?: { field: string; reason: string }[];
  /** Pushed later (a decision after waiting or review), not an immediate answer. */
  later?: boolean;
  /** A survey due for this accepted proof. */
  survey?: SurveyPrompt;
  /** The rewards wait until the member registers (the campaign requires registration first). */
  heldForRegistration?: boolean;
  /** The proof earned a scratch card, waiting in "My prizes". */
  instantPlay?: boolean;
};

export type Answer =
  | {
      kind: 'greeting';
      name: string | undefined;
      campaignName: string | undefined;
      /** What the running campaign accepts, so the greeting explains only those. */
      proofKinds?: readonly string[];
    }
  | { kind: 'help' }
  | { kind: 'points'; balance: number }
  | {
      kind: 'submissions';
      items: { createdAt: string; proofKind: string; label: string | undefined; state: SubmissionState }[];
    }
  | { kind: 'language_menu' }
  | { kind: 'language_set' }
  | { kind: 'unsupported' }
  | { kind: 'image_unreadable' }
  /** The next chat question of a survey, after a choice. */
  | { kind: 'survey_question'; survey: SurveyPrompt }
  | { kind: 'survey_thanks' }
  /** A survey choice not taken: answered already, or not open to this member (stale or forged). */
  | { kind: 'survey_closed'; reason: 'answered' | 'unavailable' }
  | ProofQuestionAnswer
  /** The open question was dropped for a new proof (said before that proof's answer). */
  | { kind: 'question_cancelled'; invoiceNumber?: string }
  /** An answer to a question no longer open: lapsed, or answered/cancelled already. */
  | { kind: 'question_closed'; reason: 'expired' | 'gone' }
  | ProofAnswer;

/** The chat asks for what a proof lacks; its quick replies carry `questionId` in their postbacks. */
export type ProofQuestionAnswer =
  | {
      kind: 'proof_question';
      ask: 'invoice_date';
      questionId: string;
      invoiceNumber: string;
      /** The days that may be picked (the invoice's period up to today), ISO dates. */
      min: string;
      max: string;
      /** The proof's period, shown to the member (`yyyMM`), when known. */
      period: string | null;
      /** The quick replies' days, newest first, each with its postback data. */
      days: { date: string; data: string }[];
      /** Postback data of the date picker (LINE adds the picked day as `params.date`). */
      pickerData: string;
      suggestedDate?: string;
      /** What was wrong with the last answer (`invoice_date.outside_period`…). */
      issue?: string;
      /** Asked again: the member said something else meanwhile. */
      reminder?: boolean;
    }
  | { kind: 'proof_question'; ask: 'left_qr'; questionId: string; issue?: string; reminder?: boolean };

export type RenderContext = {
  locale: Locale;
  /** The LIFF app of the channel, for the "open member page" quick reply. */
  liffId: string | undefined;
  /** The brand's time zone, for dates in answers. */
  timezone: string;
};

/** The bot's renderer: an answer in the member's language as LINE message objects. */
export type AnswerRenderer = (answer: Answer, context: RenderContext) => Record<string, unknown>[];
