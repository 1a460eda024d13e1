import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import {
  deliverOutboundMessages,
  enqueueAnswer,
  enqueuePush,
  outboundMessages,
  REPLY_TOKEN_FRESH_MS,
  type DeliveryDeps,
} from '../../core/messaging/index.js';
import { LineApiError } from '../../core/messaging/messaging.errors.js';
import type { LineMessenger } from '../../core/messaging/messaging.types.js';
import { members } from '../../core/members/index.js';
import { systemClock, type Clock } from '../../core/shared/clock.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { createLineTestKit, type LineTestKit } from '../line/line-test-kit.js';

/**
 * A sender that dies between LINE's answer and its own commit (what `kill -9` of a worker does there):
 * the call reaches LINE, then the process is gone — its promise never settles and its lease lapses.
 */
function dyingAfterLineAnswers(real: LineMessenger): LineMessenger {
  return {
    ...real,
    reply: async (...args) => {
      await real.reply(...args);
      return new Promise<never>(() => {});
    },
    push: async (...args) => {
      await real.push(...args);
      return new Promise<never>(() => {});
    },
  };
}

const later = (ms: number): Clock => ({ now: () => new Date(Date.now() + ms) });

describe('an answer whose send crashed after LINE accepted it', () => {
  let kit: LineTestKit;
  let deps: (clock: Clock, messenger?: LineMessenger) => DeliveryDeps;

  beforeAll(async () => {
    kit = await createLineTestKit();
    deps = (clock, messenger = kit.conversation.messenger) => ({
      db: kit.services.database.db,
      messenger,
      clock,
      logger: createSilentLogger(),
      generateId: kit.services.generateId,
    });
  });
  afterAll(async () => {
    await kit?.close();
  });

  async function simUser(userId: string) {
    await kit.addUser(userId, { displayName: 'Crash test', language: 'en' });
    await kit.userSends(userId, { type: 'follow' });
  }

  /** Waits (no fixed sleep) until the LINE simulator has received `count` bot messages for the user. */
  async function untilReceived(userId: string, count: number) {
    for (;;) {
      if ((await kit.botMessages(userId)).length >= count) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Stores the bot's answer `text` to the member's `event` (a reply while `replyToken` is given, else a push). */
  async function answerFor(
    userId: string,
    event: Record<string, unknown>,
    dedupeKey: string,
    text: string,
    replyToken: string | undefined,
  ): Promise<string> {
    const { message } = (await enqueueAnswer({
      db: kit.services.database.db,
      generateId: kit.services.generateId,
      brandId: kit.demo.brand.id,
      channelId: kit.demo.channel.id,
      memberId: undefined,
      toUserId: userId,
      dedupeKey,
      replyToken,
      eventOccurredAt: new Date(event.timestamp as number),
      messages: [{ type: 'text', text }],
      now: new Date(),
    })) as { message: { id: string } };
    return message.id;
  }

  /** A member for the simulated user and a push `text` queued to them; its outbound message id. */
  async function pushFor(userId: string, memberId: string, dedupeKey: string, text: string): Promise<string> {
    // LINE delivers pushes only to users who added the channel.
    await simUser(userId);
    const [member] = await kit.services.database.db
      .insert(members)
      .values({
        id: memberId,
        brandId: kit.demo.brand.id,
        channelId: kit.demo.channel.id,
        lineUserId: userId,
        locale: 'en',
      })
      .returning();
    const queued = await enqueuePush({
      db: kit.services.database.db,
      generateId: kit.services.generateId,
      brandId: kit.demo.brand.id,
      memberId: member!.id,
      dedupeKey,
      messages: [{ type: 'text', text }],
    });
    if (queued.status !== 'queued') throw new Error(`push not queued: ${queued.status}`);
    return queued.message.id;
  }

  /**
   * A sender whose `kind` call is slow to reach LINE (a loaded machine): it waits at a gate (`called` once
   * it is there) until `release`, then `after` decides what LINE answers (the real call by default).
   */
  function slowSender(kind: 'reply' | 'push', after?: () => void) {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calling = () => {};
    const called = new Promise<void>((resolve) => (calling = resolve));
    const real = kit.conversation.messenger;
    const messenger: LineMessenger = {
      ...real,
      [kind]: async (...args: unknown[]) => {
        calling();
        await gate;
        after?.();
        return (real[kind] as (...input: unknown[]) => unknown)(...args);
      },
    };
    return { messenger, called, release };
  }

  test('when the sender dies after a reply, many times, then the retry never pushes it again: every user gets it once', async () => {
    const users: string[] = [];
    const states: (string | null)[] = [];
    for (let i = 0; i < 12; i++) {
      const userId = `U${'0'.repeat(26)}c0de${String(i).padStart(2, '0')}`;
      users.push(userId);
      await simUser(userId);
      const { event } = await kit.userSends(userId, { type: 'text', text: 'hello' });
      const replyToken = event.replyToken as string;
      const messageId = await answerFor(userId, event, `crash-answer-${i}`, `answer ${i}`, replyToken);

      void deliverOutboundMessages(deps(systemClock, dyingAfterLineAnswers(kit.conversation.messenger)), {
        ids: [messageId],
        leaseMs: 1,
      });
      await untilReceived(userId, 1);
      // Another worker takes the lapsed lease: while the reply token is fresh (even i), or after it (odd i).
      const retryClock = i % 2 === 0 ? later(2) : later(REPLY_TOKEN_FRESH_MS + 5_000);
      await deliverOutboundMessages(deps(retryClock), { ids: [messageId] });
      const [row] = await kit.services.database.db
        .select()
        .from(outboundMessages)
        .where(eq(outboundMessages.id, messageId));
      states.push(row?.deliveredAs ?? null);
    }

    const counts = await Promise.all(users.map(async (userId) => (await kit.botMessages(userId)).length));
    expect(counts).toEqual(users.map(() => 1));
    expect(states).toEqual(users.map((_, i) => (i % 2 === 0 ? 'reply_consumed' : 'reply_unknown')));
  });

  test('when the sender dies after a push, then the retry reuses its X-Line-Retry-Key and LINE delivers it once', async () => {
    const userIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const userId = `U${'0'.repeat(26)}beef${String(i).padStart(2, '0')}`;
      userIds.push(userId);
      const messageId = await pushFor(userId, `mbr_crash_push_${i}`, `crash-push-${i}`, `you won ${i}`);

      void deliverOutboundMessages(deps(systemClock, dyingAfterLineAnswers(kit.conversation.messenger)), {
        ids: [messageId],
        leaseMs: 1,
      });
      await untilReceived(userId, 1);
      await deliverOutboundMessages(deps(later(2)), { ids: [messageId] });
    }

    const received = await Promise.all(userIds.map(async (userId) => kit.botMessages(userId)));
    expect(received.map((entries) => entries.length)).toEqual(userIds.map(() => 1));
    const rows = await kit.services.database.db.select().from(outboundMessages);
    expect(
      rows
        .filter((row) => row.dedupeKey.startsWith('crash-push-'))
        .map((row) => [row.state, row.deliveredAs]),
    ).toEqual(userIds.map(() => ['sent', 'push']));
  });

  test('when a sender loses its lease while its reply is in flight and another sender replies first, then the first does not push it as well', async () => {
    const users: string[] = [];
    for (let i = 0; i < 4; i++) {
      const userId = `U${'0'.repeat(26)}1a5e${String(i).padStart(2, '0')}`;
      users.push(userId);
      await simUser(userId);
      const { event } = await kit.userSends(userId, { type: 'text', text: 'hello' });
      const ids: string[] = [];
      // Claimed alone (the claim marks the reply attempted) or with another (marked before the call).
      for (let j = 0; j < (i % 2 === 0 ? 1 : 2); j++) {
        const replyToken = j === 0 ? (event.replyToken as string) : undefined;
        ids.push(await answerFor(userId, event, `lapsed-answer-${i}-${j}`, `answer ${i}.${j}`, replyToken));
      }
      const replyId = ids[0] as string;
      // The first sender's reply is slow to reach LINE (a loaded machine): its lease lapses meanwhile.
      const slow = slowSender('reply');
      const first = deliverOutboundMessages(deps(systemClock, slow.messenger), { ids, leaseMs: 1 });
      await slow.called;
      // Another sender takes the lapsed lease and its reply gets there first.
      await deliverOutboundMessages(deps(later(2)), { ids: [replyId] });
      slow.release();
      await first;
    }

    // Each answer once: the reply (and, for odd users, the push queued beside it).
    const received = await Promise.all(
      users.map(async (userId) =>
        (await kit.botMessages(userId)).map((entry) => JSON.stringify(entry.messages)),
      ),
    );
    expect(received.map((texts) => texts.length)).toEqual(users.map((_, i) => (i % 2 === 0 ? 1 : 2)));
    expect(received.map((texts) => new Set(texts).size)).toEqual(received.map((texts) => texts.length));
  });

  test('when the connection is reset under a reply, before LINE read it or after LINE took it, then the sender asks again at once and the member gets it once, by reply', async () => {
    const users: string[] = [];
    const outcomes: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const userId = `U${'0'.repeat(26)}5e7${String(i).padStart(3, '0')}`;
      users.push(userId);
      await simUser(userId);
      const { event } = await kit.userSends(userId, { type: 'text', text: 'hello' });
      const messageId = await answerFor(
        userId,
        event,
        `reset-answer-${i}`,
        `answer ${i}`,
        event.replyToken as string,
      );
      // What Node's fetch throws when a keep-alive connection is closed as it is reused (a lagging event
      // loop): the first reply's connection is reset before LINE read it (even i) or after LINE took it.
      let calls = 0;
      const real = kit.conversation.messenger;
      const resetting: LineMessenger = {
        ...real,
        reply: async (...args) => {
          if (calls++ > 0) return real.reply(...args);
          if (i % 2 === 1) await real.reply(...args);
          const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
          throw new LineApiError({
            status: undefined,
            body: 'fetch failed',
            cause: new TypeError('fetch failed', { cause: socket }),
          });
        },
      };
      // One send, as the webhook worker's right after its commit (the outbound worker is not run).
      const summary = await deliverOutboundMessages(deps(systemClock, resetting), { ids: [messageId] });
      const [row] = await kit.services.database.db
        .select()
        .from(outboundMessages)
        .where(eq(outboundMessages.id, messageId));
      outcomes.push([summary.sent, row?.state, row?.deliveredAs]);
    }

    const received = await Promise.all(users.map(async (userId) => kit.botMessages(userId)));
    expect(received.map((entries) => entries.map((entry) => entry.via))).toEqual(users.map(() => ['reply']));
    expect(outcomes).toEqual(users.map((_, i) => [1, 'sent', i % 2 === 0 ? 'reply' : 'reply_consumed']));
  });

  test("when a sender loses its lease while its push is in flight and another sender sends it, then the first records nothing over the other's outcome", async () => {
    const userIds: string[] = [];
    const summaries: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const userId = `U${'0'.repeat(26)}f1a5${String(i).padStart(2, '0')}`;
      userIds.push(userId);
      const messageId = await pushFor(userId, `mbr_lapsed_push_${i}`, `lapsed-push-${i}`, `decision ${i}`);
      // The first sender's push is slow: its lease lapses meanwhile, and LINE's answer, when it comes, is
      // a refusal (i = 0), a network failure (i = 1) or a success (i = 2).
      const slow = slowSender('push', () => {
        if (i === 0) throw new LineApiError({ status: 400, body: 'refused' });
        if (i === 1) throw new LineApiError({ status: undefined, body: 'fetch failed' });
      });
      const first = deliverOutboundMessages(deps(systemClock, slow.messenger), {
        ids: [messageId],
        leaseMs: 1,
      });
      await slow.called;
      // Another sender takes the lapsed lease and sends it.
      await deliverOutboundMessages(deps(later(2)), { ids: [messageId] });
      slow.release();
      summaries.push(await first);
    }

    // Each push once, recorded as the second sender sent it: the first sender wrote nothing over it.
    const received = await Promise.all(userIds.map(async (userId) => kit.botMessages(userId)));
    expect(received.map((entries) => entries.length)).toEqual(userIds.map(() => 1));
    const rows = await kit.services.database.db.select().from(outboundMessages);
    expect(
      rows
        .filter((row) => row.dedupeKey.startsWith('lapsed-push-'))
        .sort((a, b) => a.dedupeKey.localeCompare(b.dedupeKey))
        .map((row) => [row.state, row.deliveredAs, row.lastError, row.attempts]),
    ).toEqual(userIds.map(() => ['sent', 'push', null, 2]));
    expect(summaries).toEqual(userIds.map(() => ({ sent: 0, retried: 0, failed: 0, skipped: 1 })));
  });
});
