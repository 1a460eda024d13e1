import { enqueuePush } from '../messaging/index.js';
import type { IdGenerator } from '../shared/ids.js';
import type { RewardsNotifier } from './rewards.notifications.js';

/** The real notifier: the LINE push outbox of the messaging capability. */
export function createMessagingRewardsNotifier({
  generateId,
  clock,
}: {
  generateId: IdGenerator;
  clock: { now: () => Date };
}): RewardsNotifier {
  return async ({ tx, brandId, memberId, dedupeKey, messages }) => {
    await enqueuePush({ db: tx, generateId, now: clock.now(), brandId, memberId, dedupeKey, messages });
  };
}
