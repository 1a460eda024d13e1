import {
  completeWithDate,
  looksLikeLeftQr,
  parseProofText,
  purchaseDateRange,
  readDateAnswer,
  recentDays,
  type PartialProof,
} from '../invoices/index.js';
import { proofDatePostbackData } from './conversations.commands.js';
import type { ProofQuestion } from './conversations.questions.js';
import type { ProofQuestionAnswer } from './conversations.types.js';

/** Days offered as quick replies beside the date picker (LINE shows at most 13 items). */
export const QUICK_REPLY_DAYS = 10;

/**
 * Pure: the question to show for an open proof question, or undefined when it cannot be asked (a
 * barcode whose period has not begun yet: no day of it can be picked).
 */
export function questionAnswerOf(
  question: Pick<ProofQuestion, 'id' | 'partial'>,
  today: string,
  extra: { issue?: string; reminder?: boolean } = {},
): ProofQuestionAnswer | undefined {
  const partial = question.partial;
  const flags = {
    ...(extra.issue ? { issue: extra.issue } : {}),
    ...(extra.reminder ? { reminder: true } : {}),
  };
  if (partial.missing === 'left_qr')
    return { kind: 'proof_question', ask: 'left_qr', questionId: question.id, ...flags };
  const range = purchaseDateRange(partial, today);
  if (!range) return undefined;
  const recent = recentDays(range, QUICK_REPLY_DAYS);
  const suggested =
    partial.suggestedDate && partial.suggestedDate >= range.min && partial.suggestedDate <= range.max
      ? partial.suggestedDate
      : undefined;
  const days = suggested
    ? [suggested, ...recent.filter((day) => day !== suggested)].slice(0, QUICK_REPLY_DAYS)
    : recent;
  return {
    kind: 'proof_question',
    ask: 'invoice_date',
    questionId: question.id,
    invoiceNumber: partial.invoiceNumber,
    min: range.min,
    max: range.max,
    period: partial.period,
    days: days.map((date) => ({ date, data: proofDatePostbackData({ questionId: question.id, date }) })),
    pickerData: proofDatePostbackData({ questionId: question.id }),
    ...(suggested ? { suggestedDate: suggested } : {}),
    ...flags,
  };
}

export type QuestionReply =
  /** The text answers the question: submit this proof text instead. */
  | { kind: 'complete'; text: string }
  /** It tries to answer but is wrong (a day outside the period): ask again saying why. */
  | { kind: 'wrong'; issue: string }
  /** It is something else (a command, another proof, chat). */
  | { kind: 'other' };

/**
 * Pure: what a text message means while a question is open. A date answers a date question; a left QR
 * code's text answers a left-code question (joined with the right code kept).
 */
export function readQuestionReply(partial: PartialProof, text: string, today: string): QuestionReply {
  return partial.missing === 'invoice_date'
    ? readDateReply(partial, text, today)
    : readLeftQrReply(partial, text);
}

/** A date typed or picked for a date question, checked against the days it offered. */
export function readDateReply(
  partial: Extract<PartialProof, { missing: 'invoice_date' }>,
  text: string,
  today: string,
): QuestionReply {
  const range = purchaseDateRange(partial, today);
  const answer = range ? readDateAnswer(text, range) : undefined;
  if (!answer) return { kind: 'other' };
  if (!answer.ok) return { kind: 'wrong', issue: answer.reason };
  return { kind: 'complete', text: completeWithDate(partial, answer.date) };
}

function readLeftQrReply(
  partial: Extract<PartialProof, { missing: 'left_qr' }>,
  text: string,
): QuestionReply {
  const left = text.trim();
  if (!looksLikeLeftQr(left)) return { kind: 'other' };
  const joined = `${left}\n${partial.right}`;
  return parseProofText(joined).kind === 'einvoice' ? { kind: 'complete', text: joined } : { kind: 'other' };
}

/** Whether a proof the member sent while a question was open is the one asked about (then it answers it). */
export function isSameProof(partial: PartialProof, sentInvoiceNumber: string | undefined): boolean {
  // The right code names no invoice: any complete proof sent meanwhile is taken as its answer.
  if (partial.missing === 'left_qr') return true;
  return sentInvoiceNumber !== undefined && sentInvoiceNumber.toUpperCase() === partial.invoiceNumber;
}
