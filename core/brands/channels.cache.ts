import type { Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { createBrandsRepository, type LineChannel } from './brands.repository.js';

/** How long a looked-up channel (and its secret) is trusted before it is read again. */
export const CHANNEL_CACHE_TTL_MS = 5_000;

export type ChannelCache = {
  /** The channel by its LINE channel id, read from the database at most once per TTL. */
  get: (lineChannelId: string) => Promise<LineChannel | undefined>;
  /** Reads the channel from the database now, and caches what it finds. */
  refresh: (lineChannelId: string) => Promise<LineChannel | undefined>;
  /** Forgets a channel (or all), so the next `get` reads the database. */
  invalidate: (lineChannelId?: string) => void;
};

/**
 * Channels for the webhook's hot path, so each delivery does not pay a query to find its secret.
 * Channels change in other processes (the CLI, another instance's start-up), so no invalidation can
 * reach every cache: an entry lives `ttlMs` at most, which bounds how long a rotated-out secret is
 * still accepted. Callers that fail a signature check against a cached secret `refresh` it once, so a
 * new secret works at once. Unknown channels are not cached: a channel added later is found at once.
 * Concurrent misses share one query. `now` is a monotonic clock (not the business clock, which tests
 * freeze).
 */
export function createChannelCache({
  db,
  generateId,
  ttlMs = CHANNEL_CACHE_TTL_MS,
  now = () => performance.now(),
}: {
  db: Executor;
  generateId: IdGenerator;
  ttlMs?: number;
  now?: () => number;
}): ChannelCache {
  const repository = createBrandsRepository({ db, generateId });
  const entries = new Map<string, { expiresAt: number; channel: Promise<LineChannel | undefined> }>();

  const load = (lineChannelId: string) => {
    const channel = repository.getChannelByLineChannelId(lineChannelId);
    const entry = { expiresAt: now() + ttlMs, channel };
    entries.set(lineChannelId, entry);
    const forget = () => {
      if (entries.get(lineChannelId) === entry) entries.delete(lineChannelId);
    };
    channel.then((found) => (found ? undefined : forget()), forget);
    return channel;
  };

  return {
    get: (lineChannelId) => {
      const entry = entries.get(lineChannelId);
      if (entry && entry.expiresAt > now()) return entry.channel;
      return load(lineChannelId);
    },
    refresh: load,
    invalidate: (lineChannelId) => {
      if (lineChannelId === undefined) entries.clear();
      else entries.delete(lineChannelId);
    },
  };
}
