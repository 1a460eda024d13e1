import type { Services } from '../core/app/build-services.js';
import {
  createRateLimiter,
  deliverBroadcastChunks,
  trackedLinkBaseUrlOf,
  type RateLimiter,
} from '../core/broadcasts/index.js';
import { buildLineMessenger, type LineMessenger } from '../core/messaging/index.js';
import type { QueueWorker } from './runner.js';

/** LINE's multicast limit per channel. */
const MULTICAST_REQUESTS_PER_SECOND = 200;

/**
 * Delivers broadcast chunks: starts due scheduled broadcasts, claims chunks (SKIP LOCKED, leased) and
 * multicasts each with its stored retry key. Any number of workers may run this.
 */
export function createBroadcastsWorker(
  services: Services,
  {
    messenger = buildLineMessenger(services.config),
    rateLimiter = createRateLimiter({ perSecond: MULTICAST_REQUESTS_PER_SECOND }),
    leaseMs,
    narrowcastPollMs,
  }: {
    messenger?: LineMessenger;
    rateLimiter?: RateLimiter;
    leaseMs?: number;
    /** How often a narrowcast's progress is asked of LINE (default NARROWCAST_POLL_MS). */
    narrowcastPollMs?: number;
  } = {},
): QueueWorker {
  const { database, clock, logger, generateId, config } = services;
  return {
    name: 'broadcasts',
    pollMs: Math.max(config.jobs.workerPollMs, 1_000),
    runOnce: async () => {
      const summary = await deliverBroadcastChunks(
        {
          db: database.db,
          clock,
          logger,
          generateId,
          messenger,
          rateLimiter,
          trackedLinkBaseUrl: trackedLinkBaseUrlOf(config),
          ...(narrowcastPollMs === undefined ? {} : { narrowcastPollMs }),
        },
        { limit: 8, leaseMs },
      );
      return summary.started + summary.sent + summary.retried + summary.failed;
    },
  };
}
