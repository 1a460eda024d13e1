import { postJson, WaitTimedOut, waitFor } from './http.js';

/**
 * The line-latency bench's load generator: members send messages through the LINE simulator's admin API
 * and the simulator's timeline says when the bot answered. It runs in the bench's process (beside the bot,
 * as before) or in a child process with the simulator (`line-platform.ts`), as the LINE platform and a
 * load generator would be in production: same code, same HTTP.
 */

/** A message a member sent: when (LINE's event timestamp) and the webhook statuses the simulator got. */
export type Sent = { userId: string; at: number; statuses: number[] };
export type BotEntry = { seq: number; userId: string; at: string; via: string; messages: unknown[] };

/** What a burst saw: each member's send and first answer after it (null: none within the timeout). */
export type BurstOutcome = { sent: Sent[]; answers: (BotEntry | null)[]; timedOut: boolean };
/** One after the other: each member's send and the answer it waited for. */
export type SequentialOutcome = { sent: Sent; answer: BotEntry }[];

export type LineDriver = {
  /** Members `users` each send `texts[i]` together on `channelId`; their first answers after it. */
  burst: (run: {
    channelId: string;
    users: string[];
    texts: string[];
    timeoutMs: number;
  }) => Promise<BurstOutcome>;
  /** Each member sends once the previous one was answered. */
  sequential: (run: { channelId: string; users: string[]; texts: string[] }) => Promise<SequentialOutcome>;
};

export function send(simUrl: string, channelId: string, userId: string, text: string): Promise<Sent> {
  return postJson(`${simUrl}/__sim/users/${userId}/send`, { channelId, type: 'text', text }).then((body) => {
    const sent = body as { event: { timestamp: number }; statuses?: number[] };
    return { userId, at: Number(sent.event.timestamp), statuses: sent.statuses ?? [] };
  });
}

/** The simulator's timeline on `channelId` (with `userId`), after its entry `since` (its `seq`) if given. */
async function timeline(
  simUrl: string,
  channelId: string,
  userId?: string,
  since?: number,
): Promise<(BotEntry & { from: string })[]> {
  const query = new URLSearchParams({
    channelId,
    ...(userId ? { userId } : {}),
    ...(since === undefined ? {} : { since: String(since) }),
  });
  const response = await fetch(`${simUrl}/__sim/messages?${query}`);
  return ((await response.json()) as { entries: (BotEntry & { from: string })[] }).entries;
}

/** The bot's messages on `channelId` (to `userId`). */
export async function botEntries(simUrl: string, channelId: string, userId?: string): Promise<BotEntry[]> {
  return (await timeline(simUrl, channelId, userId)).filter((entry) => entry.from === 'bot');
}

/** The driver over the LINE simulator at `simUrl`, run in this process. */
export function createLineDriver(simUrl: string): LineDriver {
  return {
    burst: async ({ channelId, users, texts, timeoutMs }) => {
      // The timeline's last entry before the burst: each member's answer is the bot's first message to them after it.
      let since = Math.max(0, ...(await timeline(simUrl, channelId)).map((entry) => entry.seq));
      const seen = new Map<string, BotEntry>();
      const sent = await Promise.all(
        users.map((userId, i) => send(simUrl, channelId, userId, texts[i] as string)),
      );
      // The times are the simulator's: polling less often changes none of them. Each poll reads only the
      // bot's messages since the last one (not the channel's whole timeline, which grows through the run: CPU
      // the bot under test, when in this process, would otherwise lose).
      let answers: (BotEntry | null)[] = [];
      const timedOut = await waitFor(
        async () => {
          for (const entry of await timeline(simUrl, channelId, undefined, since)) {
            since = Math.max(since, entry.seq);
            if (entry.from === 'bot' && !seen.has(entry.userId)) seen.set(entry.userId, entry);
          }
          answers = sent.map(({ userId }) => seen.get(userId) ?? null);
          return answers.every(Boolean) ? false : undefined;
        },
        { everyMs: 250, timeoutMs },
      ).catch((error: unknown) => {
        // Only the deadline is a time-out; a refused connection or a bad answer is the bench's own failure.
        if (error instanceof WaitTimedOut) return true;
        throw error;
      });
      return { sent, answers, timedOut: timedOut === true };
    },
    sequential: async ({ channelId, users, texts }) => {
      const out: SequentialOutcome = [];
      for (let i = 0; i < users.length; i++) {
        const userId = users[i] as string;
        const before = (await botEntries(simUrl, channelId, userId)).length;
        const sent = await send(simUrl, channelId, userId, texts[i] as string);
        const answer = await waitFor(async () => (await botEntries(simUrl, channelId, userId))[before]);
        out.push({ sent, answer });
      }
      return out;
    },
  };
}
