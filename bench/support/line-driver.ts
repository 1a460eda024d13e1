import { postJson, WaitTimedOut, waitFor } from './http.js';

/**
 * The line-latency bench's load generator: members send messages through the LINE simulator's admin API
 * and the simulator's timeline says when the bot answered. It runs in the bench's process (beside the bot,
 * as before) or in a child process with the simulator (`line-platform.ts`), as the LINE platform and a
 * load generator would be in production: same code, same HTTP.
 */

/** A message a member sent: when (LINE's event timestamp) and the webhook statuses the simulator got. */
export type Sent = { userId: string; at: number; statuses: number[] };
export type BotEntry = { userId: string; at: string; via: string; messages: unknown[] };

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

export async function botEntries(simUrl: string, channelId: string, userId?: string): Promise<BotEntry[]> {
  const query = new URLSearchParams({ channelId, ...(userId ? { userId } : {}) });
  const response = await fetch(`${simUrl}/__sim/messages?${query}`);
  const { entries } = (await response.json()) as { entries: (BotEntry & { from: string })[] };
  return entries.filter((entry) => entry.from === 'bot');
}

/** The driver over the LINE simulator at `simUrl`, run in this process. */
export function createLineDriver(simUrl: string): LineDriver {
  return {
    burst: async ({ channelId, users, texts, timeoutMs }) => {
      const before = new Map<string, number>();
      for (const entry of await botEntries(simUrl, channelId))
        before.set(entry.userId, (before.get(entry.userId) ?? 0) + 1);
      const sent = await Promise.all(
        users.map((userId, i) => send(simUrl, channelId, userId, texts[i] as string)),
      );
      // The times are the simulator's: polling less often changes none of them, and each poll reads the
      // channel's whole timeline, CPU the bot under test (when in this process) would otherwise lose.
      let answers: (BotEntry | null)[] = [];
      const timedOut = await waitFor(
        async () => {
          const seen = new Map<string, BotEntry[]>();
          for (const entry of await botEntries(simUrl, channelId))
            seen.set(entry.userId, [...(seen.get(entry.userId) ?? []), entry]);
          answers = sent.map(({ userId }) => seen.get(userId)?.[before.get(userId) ?? 0] ?? null);
          return answers.every(Boolean) ? false : undefined;
        },
        { everyMs: 250, timeoutMs },
      ).catch((error: unknown) => {
        // Only the deadline is a time-out; a refused connection or a bad answer is the bench's own failure.
        if (error instanceof WaitTimedOut) return true;
        throw error;
      });
      return { sent, answers, timedOut };
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
