import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { like } from 'drizzle-orm';
import { outboundMessages } from '../../core/db/schema.js';
import {
  adjustPoints,
  createMessagingRewardsNotifier,
  createReward,
  redeemReward,
} from '../../core/rewards/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { BRAND_ID, memberId, rewardsSeed } from './fixtures.js';

describe('reward messages through the messaging outbox', () => {
  let database: TestDatabase;
  const generateId = createSequentialIdGenerator();
  const clock = createTestClock({ now: '2026-02-01T02:00:00Z' });

  beforeAll(async () => {
    const seed = rewardsSeed({ memberCount: 1 });
    seed.lineChannels = [
      {
        id: 'chn_rewards',
        brandId: BRAND_ID,
        lineChannelId: '1650000001',
        name: 'TW',
        channelSecret: 'secret',
        channelAccessToken: 'token',
      },
    ];
    database = await createTestDatabase(seed);
  });
  afterAll(async () => {
    await database.close();
  });

  test('when a redemption is retried, then the member gets one push whose retry key is derived from the redemption', async () => {
    await adjustPoints({
      db: database.db,
      generateId,
      clock,
      brandId: BRAND_ID,
      memberId: memberId(1),
      points: 100,
      reason: 'welcome',
      actor: 'usr_ops',
    });
    const reward = await createReward({
      db: database.db,
      generateId,
      reward: { brandId: BRAND_ID, kind: 'item', name: { 'zh-TW': '環保杯' }, pointsPrice: 40, stock: 3 },
    });
    const notifier = createMessagingRewardsNotifier({ generateId, clock });
    const redeem = () =>
      redeemReward({
        db: database.db,
        generateId,
        clock,
        notifier,
        brandId: BRAND_ID,
        memberId: memberId(1),
        rewardId: reward.id,
        idempotencyKey: 'tap-1',
      });

    const first = await redeem();
    await redeem();

    const messages = await database.db
      .select()
      .from(outboundMessages)
      .where(like(outboundMessages.dedupeKey, 'redemption:%'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      kind: 'push',
      memberId: memberId(1),
      dedupeKey: `redemption:${first.redemption.id}`,
      toUserId: expect.stringMatching(/^U/),
    });
    expect(messages[0]?.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(messages[0]?.messages)).toContain('環保杯');
  });
});
