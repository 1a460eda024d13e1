import { createCampaignsRepository } from '../campaigns/index.js';
import type { Database } from '../db/database.js';
import type { WebhookEvent } from '../events/index.js';
import { isLocale, type Locale } from '../i18n/index.js';
import { createMembersRepository } from '../members/index.js';
import type { LineMessenger } from '../messaging/index.js';
import { getPointsBalance } from '../rewards/index.js';
import type { Clock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import {
  createSubmissionsRepository,
  resultOfStored,
  type SubmitProofCommand,
  type SubmitProofResult,
} from '../submissions/index.js';
import { localDateOf } from '../campaigns/index.js';
import { readDateAnswer } from '../invoices/index.js';
import { parseCommand, parsePostback, type Command } from './conversations.commands.js';
import {
  isSameProof,
  questionAnswerOf,
  readDateReply,
  readQuestionReply,
} from './conversations.proof-questions.js';
import { createProofQuestionsRepository, type ProofQuestion } from './conversations.questions.js';
import { answerSurveyChoice } from './conversations.surveys.js';
import {
  credentialsOf,
  ensureMember,
  readEventContext,
  storeMemberWithProfile,
  type EventContextReader,
  type MemberUpserter,
  type OpenQuestionReader,
  type SeenProofReader,
} from './conversations.context.js';
import type { Answer, AnswerRenderer } from './conversations.types.js';
import {
  answerInTransaction,
  answerOfResult,
  answerWith,
  proofAnswerStep,
  type AnswerContext,
  type Handling,
} from './conversations.answers.js';

/** Stores a photo's bytes and returns its id (the receipts capability's one entry point for images). */
export type ReceiptImageIngester = (input: {
  brandId: string;
  memberId: string;
  bytes: Buffer;
  contentType: string | undefined;
  source: 'line';
  sourceRef: string;
}) => Promise<{ receiptImageId: string }>;

export type ConversationDeps = {
  db: Database;
  clock: Clock;
  generateId: IdGenerator;
  logger: Logger;
  messenger: LineMessenger;
  /** `submitProof` of the submissions capability, bound to its dependencies. */
  submitProof: (command: SubmitProofCommand) => Promise<SubmitProofResult>;
  /** The receipts capability's ingestion; without it a photo is answered as unreadable. */
  ingestReceiptImage?: ReceiptImageIngester;
  render: AnswerRenderer;
  /**
   * Set by a caller that sends each answer right after its event commits (the webhook worker): the
   * answer is recorded leased to it for this long and handed back claimed (`AnswerToSend`), so sending
   * it takes no claim statement. Unset: recorded for any sender (the outbound worker).
   */
  sendLeaseMs?: number;
  /**
   * Reads an event's channel, brand and member; the webhook worker's reads the events it starts together
   * in one statement (`createEventContextReader`). Unset: each event reads its own.
   */
  readContext?: EventContextReader;
  /** Reads a member's open proof question (the webhook worker's: several in one statement). */
  readOpenQuestion?: OpenQuestionReader;
  /** Stores a new member with their profile (the webhook worker's: several in one statement). */
  upsertMember?: MemberUpserter;
  /** Reads the proof an event stored, if any (the webhook worker's: several in one statement). */
  readSeenProof?: SeenProofReader;
};

type LineEventPayload = {
  type: string;
  replyToken?: string;
  source?: { userId?: string };
  message?: { id: string; type: string; text?: string };
  postback?: { data?: string; params?: { date?: unknown } };
};

/**
 * Handles one stored webhook event: decides the answer (core), renders it (the injected renderer) and
 * returns the commit step that records it as an outbound message in the event's own transaction. Every
 * effect is idempotent by the event: members are upserted, proofs are submitted with the event as
 * `sourceRef`, and the answer's dedupe key is the event's id, so a retried event answers once.
 */
export async function handleWebhookEvent(deps: ConversationDeps, event: WebhookEvent): Promise<Handling> {
  const payload = event.payload as LineEventPayload;
  const userId = event.lineUserId ?? payload.source?.userId;
  if (!userId) return {};
  const key = { brandId: event.brandId, channelId: event.channelId, lineUserId: userId };
  const found = await (deps.readContext ? deps.readContext(key) : readEventContext(deps.db, key));
  if (!found) throw new Error(`channel ${event.channelId} of event ${event.webhookEventId} is gone`);
  const { channel, brand } = found;
  const members = createMembersRepository({ db: deps.db, generateId: deps.generateId });

  if (payload.type === 'unfollow') {
    await members.markUnfollowed({ brandId: event.brandId, lineUserId: userId, at: event.occurredAt });
    return {};
  }

  const brandLocale: Locale = brand && isLocale(brand.defaultLocale) ? brand.defaultLocale : 'en';
  const timezone = brand?.timezone ?? 'Asia/Taipei';

  if (payload.type === 'follow') {
    const { member } = await storeMemberWithProfile(deps, {
      event,
      channel,
      userId,
      brandLocale,
      followedAt: event.occurredAt,
    });
    const [campaign] = await createCampaignsRepository({
      db: deps.db,
      generateId: deps.generateId,
    }).listActiveCampaigns({
      brandId: event.brandId,
    });
    const campaignName = campaign ? localized(campaign.name, member.locale) : undefined;
    return answerWith(
      deps,
      { event, channel, member, userId, replyToken: payload.replyToken, timezone },
      {
        kind: 'greeting',
        name: member.displayName ?? undefined,
        campaignName,
        ...(campaign ? { proofKinds: campaign.proofKinds } : {}),
      },
    );
  }

  if (payload.type !== 'message' && payload.type !== 'postback') return {};

  const message = payload.message;
  const command = message?.type === 'text' && message.text !== undefined ? parseCommand(message.text) : null;
  // Text that is no command is taken for a proof: whether this event stored one already is read now,
  // alongside a new member's LINE profile or a known one's open question, not after them.
  const seenBefore =
    message?.type === 'text' && message.text !== undefined && !command
      ? (deps.readSeenProof ?? createSubmissionsRepository({ db: deps.db }).findBySourceRef)({
          brandId: event.brandId,
          sourceRef: sourceRefOf(event),
        })
      : undefined;
  // Awaited by the proof's intake; a failure is its to report, not an unhandled rejection meanwhile.
  seenBefore?.catch(() => {});
  const { member, known, created } = await ensureMember(deps, {
    event,
    channel,
    existing: found.member,
    userId,
    brandLocale,
  });
  const context: AnswerContext = {
    event,
    channel,
    member,
    userId,
    replyToken: payload.replyToken,
    timezone,
    touchMember: known,
    runsSurveys: found.runsSurveys,
    activeCampaigns: found.activeCampaigns,
    ...(created ? { createdNow: true } : {}),
    ...(seenBefore ? { seenBefore } : {}),
  };

  if (payload.type === 'postback') {
    const command = parsePostback(payload.postback?.data ?? '', payload.postback?.params);
    if (!command) return answerWith(deps, context, { kind: 'help' });
    return runCommand(deps, context, command);
  }

  if (message?.type === 'text' && message.text !== undefined) {
    if (command) return runCommand(deps, context, command);
    return answerProof(deps, context, { type: 'text', text: message.text });
  }

  if (message?.type === 'image') {
    // A redelivered event whose photo was already taken in: its stored answer, without fetching or
    // reading the photo again.
    const stored = await createSubmissionsRepository({ db: deps.db }).findBySourceRef({
      brandId: event.brandId,
      sourceRef: sourceRefOf(event),
    });
    if (stored)
      return answerWith(
        deps,
        context,
        await answerOfResult(deps.db, member, resultOfStored(stored), context.runsSurveys),
      );
    const credentials = credentialsOf(channel);
    // The typing indicator while the photo is fetched and read; a failure to show it changes nothing.
    await deps.messenger.showLoading(credentials, { chatId: userId, seconds: 30 }).catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'could not show the loading animation');
    });
    if (!deps.ingestReceiptImage) return answerWith(deps, context, { kind: 'image_unreadable' });
    const content = await deps.messenger.getMessageContent(credentials, message.id);
    let receiptImageId: string;
    try {
      ({ receiptImageId } = await deps.ingestReceiptImage({
        brandId: event.brandId,
        memberId: member.id,
        bytes: content.bytes,
        contentType: content.contentType,
        source: 'line',
        sourceRef: sourceRefOf(event),
      }));
    } catch (error) {
      // Not an image, too large, corrupt: the member is told; trying again would not change it.
      if (isAppError(error) && !error.isInternal)
        return answerWith(deps, context, { kind: 'image_unreadable' });
      throw error;
    }
    return answerProof(deps, context, { type: 'receipt_image', receiptImageId });
  }

  return answerWith(deps, context, { kind: 'unsupported' });
}

async function runCommand(
  deps: ConversationDeps,
  context: AnswerContext,
  command: Command,
): Promise<Handling> {
  const { member } = context;
  switch (command.command) {
    case 'help':
      return answerWith(deps, context, { kind: 'help' });
    case 'points': {
      const balance = await getPointsBalance(deps.db, { brandId: member.brandId, memberId: member.id });
      return answerWith(deps, context, { kind: 'points', balance });
    }
    case 'submissions': {
      const rows = await createSubmissionsRepository({ db: deps.db }).listByMember({
        brandId: member.brandId,
        memberId: member.id,
        limit: 200,
      });
      const items = rows
        .slice(-5)
        .reverse()
        .map((row) => ({
          createdAt: row.createdAt.toISOString(),
          proofKind: row.kind,
          label: labelOf(row.rawInput),
          state: row.state,
        }));
      return answerWith(deps, context, { kind: 'submissions', items });
    }
    case 'language': {
      if (!command.locale) return answerWith(deps, context, { kind: 'language_menu' });
      const updated = await createMembersRepository({ db: deps.db, generateId: deps.generateId }).setLocale({
        brandId: member.brandId,
        memberId: member.id,
        locale: command.locale,
        now: deps.clock.now(),
      });
      return answerWith(deps, { ...context, member: updated ?? member }, { kind: 'language_set' });
    }
    case 'survey_answer':
      // Decided in the answer's transaction: the choice and the reply are recorded together, once.
      return answerInTransaction(deps, context, (tx) =>
        answerSurveyChoice(
          { db: tx, generateId: deps.generateId, logger: deps.logger, now: deps.clock.now() },
          {
            brandId: member.brandId,
            memberId: member.id,
            surveyId: command.surveyId,
            submissionId: command.submissionId,
            question: command.question,
            option: command.option,
          },
        ),
      );
    case 'survey_invalid':
      return answerWith(deps, context, { kind: 'survey_closed', reason: 'unavailable' });
    case 'proof_date':
      return answerProofDate(deps, context, command);
  }
}

/**
 * A proof sent in the chat, with the open proof question in mind: an answer to it completes the proof
 * kept; part of a proof (a barcode without its date, a right QR code alone) opens a question; another
 * proof closes the open question — answered when it is the same invoice, else cancelled and the member
 * told so. Every question change is written in the event's transaction, with the answer, so a
 * redelivered event neither asks nor closes twice (and `submitProof` is idempotent by the event).
 */
async function answerProof(
  deps: ConversationDeps,
  context: AnswerContext,
  input: Extract<SubmitProofCommand['input'], { type: 'text' | 'receipt_image' }>,
): Promise<Handling> {
  const { member } = context;
  const now = deps.clock.now();
  const today = localDateOf(now, context.timezone);
  const sourceRef = sourceRefOf(context.event);
  const key = { brandId: member.brandId, memberId: member.id };
  // A member stored by this event has asked nothing yet: no question to read.
  const open = context.createdNow
    ? undefined
    : await (deps.readOpenQuestion
        ? deps.readOpenQuestion(key)
        : createProofQuestionsRepository({ db: deps.db }).findOpen(key));
  const live = open && open.expiresAt > now ? open : undefined;
  const lapsed = open && !live ? open : undefined;

  if (live && input.type === 'text') {
    const reply = readQuestionReply(live.partial, input.text, today);
    if (reply.kind === 'wrong')
      return answerWith(
        deps,
        context,
        questionAnswerOf(live, today, { issue: reply.issue }) ?? { kind: 'help' },
      );
    if (reply.kind === 'complete') return completeQuestion(deps, context, live, reply.text);
  }

  const step = await proofAnswerStep(
    deps,
    member,
    await submitFromChat(deps, context, input),
    context.runsSurveys,
  );
  return answerInTransaction(
    deps,
    context,
    async (tx) => {
      const { result, answer } = await step.settle(tx);
      const questions = createProofQuestionsRepository({ db: tx });
      if (lapsed)
        await questions.close({ questionId: lapsed.id, state: 'expired', closedBy: sourceRef, now });
      if (result.outcome === 'incomplete' && result.partial) {
        const question = await questions.ask({
          generateId: deps.generateId,
          brandId: member.brandId,
          memberId: member.id,
          partial: result.partial,
          askedBy: sourceRef,
          now,
        });
        const asked = questionAnswerOf(question, today);
        if (!asked) {
          await questions.close({ questionId: question.id, state: 'cancelled', closedBy: sourceRef, now });
          return {
            kind: 'proof',
            outcome: 'invalid',
            issues: [{ field: 'invoiceDate', reason: 'invoice_date.outside_period' }],
          };
        }
        return live && live.askedBy !== sourceRef ? [cancelledNotice(live), asked] : asked;
      }
      if (!live) {
        // A date sent after the question lapsed: say so, rather than "I did not understand".
        if (
          lapsed &&
          result.outcome === 'not_a_proof' &&
          input.type === 'text' &&
          looksLikeDateReply(lapsed, input.text)
        )
          return { kind: 'question_closed', reason: 'expired' };
        return answer;
      }
      // Chat text while a question is open: the question again, not the help card.
      if (result.outcome === 'not_a_proof')
        return questionAnswerOf(live, today, { reminder: true }) ?? answer;
      const same = isSameProof(live.partial, labelOf(result.submission?.rawInput));
      await questions.close({
        questionId: live.id,
        state: same ? 'answered' : 'cancelled',
        closedBy: sourceRef,
        now,
      });
      return same ? answer : [cancelledNotice(live), answer];
    },
    { alone: step.decidesInTransaction },
  );
}

/** A day picked from a proof question's quick replies or date picker. */
async function answerProofDate(
  deps: ConversationDeps,
  context: AnswerContext,
  command: Extract<Command, { command: 'proof_date' }>,
): Promise<Handling> {
  const { member } = context;
  const now = deps.clock.now();
  const today = localDateOf(now, context.timezone);
  const question = await createProofQuestionsRepository({ db: deps.db }).getQuestion({
    brandId: member.brandId,
    questionId: command.questionId,
  });
  if (!question || question.memberId !== member.id || question.state !== 'open')
    return answerWith(deps, context, {
      kind: 'question_closed',
      reason: question?.state === 'expired' ? 'expired' : 'gone',
    });
  if (question.expiresAt <= now || question.partial.missing !== 'invoice_date') {
    const sourceRef = sourceRefOf(context.event);
    return answerInTransaction(deps, context, async (tx) => {
      await createProofQuestionsRepository({ db: tx }).close({
        questionId: question.id,
        state: 'expired',
        closedBy: sourceRef,
        now,
      });
      return { kind: 'question_closed', reason: 'expired' };
    });
  }
  const reply = command.date
    ? readDateReply(question.partial, command.date, today)
    : ({ kind: 'wrong', issue: 'invoice_date.missing' } as const);
  if (reply.kind !== 'complete')
    return answerWith(
      deps,
      context,
      questionAnswerOf(question, today, {
        issue: reply.kind === 'wrong' ? reply.issue : 'invoice_date.invalid',
      }) ?? {
        kind: 'help',
      },
    );
  return completeQuestion(deps, context, question, reply.text);
}

/** The proof kept, completed by the member's answer, submitted as one proof; the question is answered. */
async function completeQuestion(
  deps: ConversationDeps,
  context: AnswerContext,
  question: ProofQuestion,
  text: string,
): Promise<Handling> {
  const now = deps.clock.now();
  const today = localDateOf(now, context.timezone);
  const sourceRef = sourceRefOf(context.event);
  const result = await submitFromChat(deps, context, { type: 'text', text });
  // The completed proof is still wrong (the day does not belong to the barcode's period): ask again.
  if (result.outcome === 'invalid') {
    const issue = result.errors?.[0]?.reason;
    const again = questionAnswerOf(question, today, issue ? { issue } : {});
    if (again) return answerWith(deps, context, again);
  }
  const step = await proofAnswerStep(deps, context.member, result, context.runsSurveys);
  return answerInTransaction(
    deps,
    context,
    async (tx) => {
      const { answer } = await step.settle(tx);
      await createProofQuestionsRepository({ db: tx }).close({
        questionId: question.id,
        state: 'answered',
        closedBy: sourceRef,
        now,
      });
      return answer;
    },
    { alone: step.decidesInTransaction },
  );
}

function submitFromChat(
  deps: ConversationDeps,
  context: AnswerContext,
  input: SubmitProofCommand['input'],
): Promise<SubmitProofResult> {
  return deps.submitProof({
    brandId: context.member.brandId,
    memberId: context.member.id,
    channel: 'chat',
    sourceRef: sourceRefOf(context.event),
    input,
    // The answer commits in the event's transaction: a proof checked now is decided there too.
    decideInCallersTransaction: true,
    receivedAt: context.event.receivedAt,
    ...(context.activeCampaigns ? { activeCampaigns: context.activeCampaigns } : {}),
    // Read ahead (the event's own `sourceRef`, whichever text completes its proof).
    ...(context.seenBefore ? { seenBefore: context.seenBefore } : {}),
  });
}

function cancelledNotice(question: ProofQuestion): Answer {
  const partial = question.partial;
  return {
    kind: 'question_cancelled',
    ...(partial.missing === 'invoice_date' ? { invoiceNumber: partial.invoiceNumber } : {}),
  };
}

function looksLikeDateReply(question: ProofQuestion, text: string): boolean {
  if (question.partial.missing !== 'invoice_date') return false;
  // Any day will do here: the question is gone, only the shape of the text matters.
  return readDateAnswer(text, { min: '2000-01-01', max: '2110-12-31' }) !== undefined;
}

function sourceRefOf(event: WebhookEvent): string {
  return `line:${event.channelId}:${event.webhookEventId}`;
}

function localized(text: unknown, locale: Locale): string | undefined {
  if (!text || typeof text !== 'object') return typeof text === 'string' ? text : undefined;
  const map = text as Record<string, string | undefined>;
  return map[locale] ?? map.en ?? Object.values(map).find(Boolean);
}

function labelOf(rawInput: unknown): string | undefined {
  const parsed = (rawInput as { parsed?: { invoiceNumber?: string } } | null)?.parsed;
  return parsed?.invoiceNumber;
}
