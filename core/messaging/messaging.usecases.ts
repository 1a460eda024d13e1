import { createBrandsRepository } from '../brands/index.js';
import type { Executor } from '../db/database.js';
import { createMembersRepository } from '../members/index.js';
import type { Clock } from '../shared/clock.js';
import { isConnectionReset } from '../shared/connection-reset.js';
import { generateId as defaultGenerateId, type IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { isLineApiError } from './messaging.errors.js';
import {
  backoffMs,
  MAX_MESSAGES_PER_REQUEST,
  MAX_SEND_ATTEMPTS,
  REPLY_TOKEN_FRESH_MS,
  retryKeyFor,
} from './messaging.models.js';
import {
  createMessagingRepository,
  type ClaimedMessage,
  type OutboundMessage,
} from './messaging.repository.js';
import type { LineChannelCredentials, LineMessage, LineMessenger } from './messaging.types.js';

export type EnqueueResult =
  | {
      status: 'queued';
      message: OutboundMessage;
      created: boolean;
      /** Recorded leased to the caller (`sendNow`): to send once committed (`sendClaimedMessages`). */
      claimed?: ClaimedMessage;
    }
  | { status: 'skipped'; reason: 'member_not_found' | 'not_following' | 'no_channel' };

/**
 * The answer to a webhook event: recorded (once per event) in the caller's transaction, sent after
 * commit. It goes as a reply while the reply token is fresh, else as a push with a retry key.
 *
 * `sendNow`: the caller sends it right after the commit (the webhook worker), so it is recorded already
 * leased to the caller, its reply (while the token is fresh) marked attempted — what claiming it alone
 * would record, in the same commit that records it, so sending it takes no claim statement. As with a
 * claim, the mark is committed before LINE is called: if the caller dies before sending, the next sender
 * (once the lease lapses) treats the reply as of unknown outcome, and never pushes what may have arrived.
 */
export async function enqueueAnswer({
  db,
  generateId = defaultGenerateId,
  now,
  ...answer
}: AnswerToRecord & { db: Executor; generateId?: IdGenerator; now: Date }): Promise<EnqueueResult> {
  const [result] = await enqueueAnswers({ db, generateId, now }, [answer]);
  return result as EnqueueResult;
}

/** The answer to one webhook event (`enqueueAnswer`). */
export type AnswerToRecord = {
  brandId: string;
  channelId: string;
  memberId: string | undefined;
  toUserId: string;
  dedupeKey: string;
  replyToken: string | undefined;
  eventOccurredAt: Date;
  messages: LineMessage[];
  /** The answer says the event's proof is waiting: its decision is pushed later (see `awaits_decision`). */
  awaitsDecision?: boolean;
  sendNow?: {
    leaseMs: number;
    /** The channel's, as the caller read it with the event; null: gone (not sent). */
    credentials: LineChannelCredentials | null;
    memberFollowing: boolean;
  };
};

/** `enqueueAnswer` for the answers of a group of events, in one statement (one result per answer). */
export async function enqueueAnswers(
  { db, generateId = defaultGenerateId, now }: { db: Executor; generateId?: IdGenerator; now: Date },
  answers: AnswerToRecord[],
): Promise<EnqueueResult[]> {
  const repository = createMessagingRepository({ db, generateId });
  const prepared = answers.map((answer) => {
    const { replyToken, sendNow } = answer;
    const replyDeadline = replyToken
      ? new Date(answer.eventOccurredAt.getTime() + REPLY_TOKEN_FRESH_MS)
      : undefined;
    // As `claimDue` decides it: a reply whose token is fresh now, to a known user, on a channel that exists.
    const replyUsable = Boolean(
      sendNow?.credentials && replyToken && answer.toUserId && replyDeadline && replyDeadline > now,
    );
    return { answer, replyDeadline, replyUsable };
  });
  const inserted = await repository.insertManyOnce(
    prepared.map(({ answer, replyDeadline, replyUsable }) => ({
      brandId: answer.brandId,
      channelId: answer.channelId,
      memberId: answer.memberId,
      toUserId: answer.toUserId,
      kind: answer.replyToken ? ('reply' as const) : ('push' as const),
      dedupeKey: answer.dedupeKey,
      retryKey: retryKeyFor({ brandId: answer.brandId, dedupeKey: answer.dedupeKey }),
      replyToken: answer.replyToken,
      replyDeadline,
      messages: answer.messages.slice(0, MAX_MESSAGES_PER_REQUEST),
      awaitsDecision: answer.awaitsDecision ?? false,
      now,
      ...(answer.sendNow
        ? {
            leased: {
              lockedUntil: new Date(now.getTime() + answer.sendNow.leaseMs),
              replyAttemptedAt: replyUsable ? now : undefined,
            },
          }
        : {}),
    })),
  );
  return inserted.map(({ message, created }, i): EnqueueResult => {
    const { answer, replyUsable } = prepared[i] as (typeof prepared)[number];
    const sendNow = answer.sendNow;
    // Only the row recorded here is the caller's to send (an earlier one is another attempt's).
    if (!sendNow || !created) return { status: 'queued', message, created };
    const claimed: ClaimedMessage = {
      ...message,
      earlierReplyUnknown: false,
      replyUsable,
      replyMarked: replyUsable,
      credentials: sendNow.credentials,
      memberUnfollowed: !sendNow.memberFollowing,
    };
    return { status: 'queued', message, created, claimed };
  });
}

/**
 * A push to a member, once per `dedupeKey` (the cause: a decision, a win). Other capabilities call this
 * inside their own transaction; the message is sent after commit by the outbound worker, with an
 * X-Line-Retry-Key derived from the dedupe key. Members who unfollowed are never messaged.
 */
export async function enqueuePush({
  db,
  generateId = defaultGenerateId,
  now = new Date(),
  brandId,
  memberId,
  dedupeKey,
  messages,
}: {
  db: Executor;
  generateId?: IdGenerator;
  now?: Date;
  brandId: string;
  memberId: string;
  dedupeKey: string;
  messages: LineMessage[];
}): Promise<EnqueueResult> {
  const member = await createMembersRepository({ db, generateId }).getMemberById({ brandId, memberId });
  if (!member) return { status: 'skipped', reason: 'member_not_found' };
  if (!member.following) return { status: 'skipped', reason: 'not_following' };
  const channels = await createBrandsRepository({ db, generateId }).listChannels(brandId);
  const channel = channels.find((candidate) => candidate.id === member.channelId) ?? channels[0];
  if (!channel) return { status: 'skipped', reason: 'no_channel' };
  const { message, created } = await createMessagingRepository({ db, generateId }).insertOnce({
    brandId,
    channelId: channel.id,
    memberId,
    toUserId: member.lineUserId,
    kind: 'push',
    dedupeKey,
    retryKey: retryKeyFor({ brandId, dedupeKey }),
    replyToken: undefined,
    replyDeadline: undefined,
    messages: messages.slice(0, MAX_MESSAGES_PER_REQUEST),
    now,
  });
  return { status: 'queued', message, created };
}

export type DeliveryDeps = {
  db: Executor;
  messenger: LineMessenger;
  clock: Clock;
  logger: Logger;
  generateId?: IdGenerator;
};

export type DeliverySummary = { sent: number; retried: number; failed: number; skipped: number };

/** How long a sender holds a message it claimed (unless told otherwise). */
export const SEND_LEASE_MS = 30_000;

/**
 * Sends outbound messages that are due: the given ids (what a worker just committed), or the oldest due
 * ones (the outbound worker picking up failures and what a crashed process left). Each message is leased
 * first, so two senders never send the same row at once.
 */
export async function deliverOutboundMessages(
  { db, messenger, clock, logger, generateId = defaultGenerateId }: DeliveryDeps,
  { ids, limit = 20, leaseMs = SEND_LEASE_MS }: { ids?: string[]; limit?: number; leaseMs?: number } = {},
): Promise<DeliverySummary> {
  const repository = createMessagingRepository({ db, generateId });
  // One statement claims the messages with their channels' credentials and their members' following.
  const claimed = await repository.claimDue({ now: clock.now(), leaseMs, limit, ids });
  return sendClaimedMessages({ db, messenger, clock, logger, generateId }, claimed);
}

/**
 * Sends messages this sender holds the lease of (claimed by `claimDue`, or recorded leased by
 * `enqueueAnswer`'s `sendNow`), side by side, recording each outcome: the messages LINE took are marked
 * sent together once every call has answered (one statement), any other outcome as it comes.
 */
export async function sendClaimedMessages(
  { db, messenger, clock, logger, generateId = defaultGenerateId }: DeliveryDeps,
  claimed: ClaimedMessage[],
): Promise<DeliverySummary> {
  const repository = createMessagingRepository({ db, generateId });
  const summary: DeliverySummary = { sent: 0, retried: 0, failed: 0, skipped: 0 };
  type Delivered = 'reply' | 'push' | 'reply_consumed';
  const lostBy = (message: ClaimedMessage) => {
    logger.warn({ outboundMessageId: message.id }, 'outbound message taken over by another sender');
    summary.skipped++;
  };

  /** Sends one message; resolves with how LINE took it, to mark sent, or undefined when recorded otherwise. */
  const sendOne = async (message: ClaimedMessage): Promise<Delivered | undefined> => {
    // Every write below holds only while this sender still holds its claim (the `attempts` it claimed):
    // one whose lease lapsed and whose message another sender took over records nothing (`lost`).
    const claimedBy = { id: message.id, attempts: message.attempts };
    const lost = () => lostBy(message);
    const credentials = message.credentials;
    if (!credentials || !message.toUserId) {
      if (await repository.markSkipped({ claimedBy, reason: 'channel or recipient missing' }))
        summary.skipped++;
      else lost();
      return undefined;
    }
    // A reply whose outcome we do not know is in flight until LINE answers (see replyAttemptedAt).
    let replyInFlight = false;
    try {
      const earlierReplyUnknown = message.earlierReplyUnknown;
      if (message.replyUsable) {
        // Committed before LINE is called (by the claim itself when it took this message alone): if this
        // process dies before recording LINE's answer, the next attempt knows a reply may have been
        // delivered. Not sent at all when another sender has taken the message over meanwhile.
        if (!message.replyMarked && !(await repository.markReplyAttempted({ claimedBy, now: clock.now() }))) {
          lost();
          return undefined;
        }
        replyInFlight = true;
        const reply = () =>
          messenger.reply(credentials, {
            replyToken: message.replyToken as string,
            messages: message.messages,
          });
        // A connection reset under the reply (a keep-alive connection the server closed as it was reused:
        // a lagging event loop) leaves its outcome unknown. Asked again at once with the same single-use
        // token, while it is fresh: LINE takes it only if the first never arrived, and refuses the token if
        // it did — never delivered twice, and not left to the outbound worker's back-off meanwhile.
        let resetUnderReply = false;
        const result = await reply().catch((error: unknown) => {
          if (!isConnectionReset(error)) throw error;
          resetUnderReply = true;
          return reply();
        });
        replyInFlight = false;
        if (result.status === 'sent') return 'reply';
        // The token is single-use and only we hold it: an earlier attempt of ours used it (it reached
        // LINE, then the sender died before recording it, or its connection was reset before LINE's
        // answer came back); a push now would deliver the answer twice.
        if (earlierReplyUnknown || resetUnderReply) return 'reply_consumed';
        // Refused without being used by us (expired early): not delivered, so a push may follow — unless
        // our lease lapsed and another sender claimed it meanwhile (its reply may have used the token).
        if (!(await repository.clearRefusedReply({ claimedBy }))) {
          logger.warn({ outboundMessageId: message.id }, 'reply refused after another sender took it over');
          summary.skipped++;
          return undefined;
        }
      } else if (earlierReplyUnknown) {
        // A reply of unknown outcome and no fresh token to ask again with: never follow it with a push.
        const parked = await repository.markReplyUnknown({
          claimedBy,
          reason:
            'an earlier reply attempt has an unknown outcome and the reply token expired; not pushed, so it is never delivered twice',
        });
        if (parked) {
          logger.warn({ outboundMessageId: message.id }, 'reply of unknown outcome not followed by a push');
          summary.skipped++;
        } else lost();
        return undefined;
      }
      if (message.memberUnfollowed) {
        if (await repository.markSkipped({ claimedBy, reason: 'member unfollowed' })) summary.skipped++;
        else lost();
        return undefined;
      }
      await messenger.push(credentials, {
        to: message.toUserId,
        messages: message.messages,
        retryKey: message.retryKey,
      });
      // `already_accepted` (409) means an earlier attempt got through: sent all the same.
      return 'push';
    } catch (error) {
      // LINE refused the reply outright (4xx other than 429): it was not delivered (by us; when another
      // sender has claimed the message since, it is that sender's to answer).
      if (
        replyInFlight &&
        isLineApiError(error) &&
        error.status &&
        error.status < 500 &&
        error.status !== 429 &&
        !(await repository.clearRefusedReply({ claimedBy }))
      ) {
        summary.skipped++;
        return undefined;
      }
      const retryable = !isLineApiError(error) || error.retryable;
      const giveUp = !retryable || message.attempts >= MAX_SEND_ATTEMPTS;
      const recorded = await repository.markAttemptFailed({
        claimedBy,
        error: (error as Error).message ?? String(error),
        retryAt: giveUp ? undefined : new Date(clock.now().getTime() + backoffMs(message.attempts)),
      });
      if (!recorded) {
        // Another sender holds it (or has already sent it): its outcome stands, not this failure.
        logger.warn(
          { outboundMessageId: message.id, err: error },
          'LINE send failed after another sender took it over',
        );
        summary.skipped++;
        return undefined;
      }
      logger.warn({ outboundMessageId: message.id, err: error, giveUp }, 'LINE send failed');
      if (giveUp) summary.failed++;
      else summary.retried++;
    }
    return undefined;
  };

  const delivered: { message: ClaimedMessage; deliveredAs: Delivered }[] = [];
  // Side by side, but one recipient's messages in the order given (as claimed: oldest first).
  const byRecipient = new Map<string, Promise<void>>();
  for (const message of claimed) {
    const key = message.toUserId ?? message.id;
    const before = byRecipient.get(key) ?? Promise.resolve();
    byRecipient.set(
      key,
      before.then(async () => {
        const deliveredAs = await sendOne(message);
        if (deliveredAs) delivered.push({ message, deliveredAs });
      }),
    );
  }
  await Promise.all(byRecipient.values());
  const marked = await repository.markSentMany({
    sent: delivered.map(({ message, deliveredAs }) => ({
      claimedBy: { id: message.id, attempts: message.attempts },
      deliveredAs,
    })),
    now: clock.now(),
  });
  for (const { message } of delivered) {
    if (marked.has(message.id)) summary.sent++;
    else lostBy(message);
  }
  return summary;
}
