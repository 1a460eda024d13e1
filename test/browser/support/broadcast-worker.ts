import { deliverBroadcastChunks } from '../../../core/broadcasts/index.js';
import { createLineSdkMessenger } from '../../../core/messaging/index.js';
import type { ConsoleStack } from './console-stack.js';
import { HANG_GUARD_MS } from '../../support/timing.js';

/**
 * The worker process's broadcasts job, run in rounds beside the console stack until stopped, sending to
 * the LINE simulator at `lineApiUrl`. `narrowcastPollMs: 0` polls a narrowcast's progress every round
 * (the stack's clock stands still).
 */
export function startBroadcastWorker(
  stack: ConsoleStack,
  { lineApiUrl, narrowcastPollMs }: { lineApiUrl: string; narrowcastPollMs?: number },
): { stop: () => Promise<void> } {
  const { services } = stack;
  const messenger = createLineSdkMessenger({ apiBaseUrl: lineApiUrl, sendTimeoutMs: HANG_GUARD_MS });
  let running = true;
  const loop = (async () => {
    while (running) {
      await deliverBroadcastChunks({
        db: services.database.db,
        clock: services.clock,
        logger: services.logger,
        generateId: services.generateId,
        messenger,
        ...(narrowcastPollMs === undefined ? {} : { narrowcastPollMs }),
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
