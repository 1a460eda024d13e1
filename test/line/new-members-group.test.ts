import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq, inArray } from 'drizzle-orm';
import type { Services } from '../../core/app/build-services.js';
import { members } from '../../core/members/index.js';
import type { LineMessenger } from '../../core/messaging/index.js';
import { createWebhookEventsWorker } from '../../jobs/webhook-events.job.js';
import { createStatementLog } from '../support/statement-log.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { createLineTestKit, textsOf, type LineTestKit } from './line-test-kit.js';

const GROUP = 6;
const userIdOf = (i: number) => `U${'0'.repeat(28)}${(0xd000 + i).toString(16)}`;
const LANGUAGES = ['zh-TW', 'th', 'en'] as const;

/**
 * The first messages of members we do not know yet, answered together (issue 17's burst: 200 people
 * who just scanned the campaign's code): their members are stored in one statement, each with their
 * own LINE profile, and each is answered once.
 */
describe('new members answered together are stored together (issue 17)', () => {
  const log = createStatementLog();
  let kit: LineTestKit;

  beforeAll(async () => {
    kit = await createLineTestKit({ onStatement: log.onStatement });
    for (let i = 0; i < GROUP; i++)
      await kit.addUser(userIdOf(i), { displayName: `new member ${i}`, language: LANGUAGES[i % 3]! });
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await kit?.close();
  });

  test('when a group of people we do not know send help together, then their members are stored in one statement and each is answered once', async () => {
    // Arrange: the profiles come back together once every one was asked for (LINE answers in any order).
    const base = kit.conversation.messenger;
    const asked: (() => void)[] = [];
    const messenger: LineMessenger = {
      ...base,
      getProfile: async (channel, userId) => {
        const profile = await base.getProfile(channel, userId);
        await new Promise<void>((resolve) => {
          asked.push(resolve);
          if (asked.length === GROUP) for (const release of asked) release();
        });
        return profile;
      },
    };
    const worker = createWebhookEventsWorker(kit.services as Services, {
      conversation: { ...kit.conversation, messenger },
      lanes: GROUP,
      answerLanes: 0,
    });
    const users = Array.from({ length: GROUP }, (_, i) => userIdOf(i));
    for (const userId of users) await kit.userSends(userId, { type: 'text', text: 'help' });

    // Act
    const statements = await log.during(async () => {
      await worker.runOnce({ wake: () => {} });
      await worker.drain?.();
    });

    // Assert
    expect(statements.filter((statement) => /^\s*insert into "members"/i.test(statement))).toHaveLength(1);
    for (const userId of users) {
      const answers = await kit.botMessages(userId);
      expect(answers).toHaveLength(1);
      expect(textsOf(answers[0]?.messages ?? [])).not.toBe('');
    }
    const stored = await kit.services.database.db
      .select({ lineUserId: members.lineUserId, displayName: members.displayName, locale: members.locale })
      .from(members)
      .where(and(eq(members.brandId, kit.demo.brand.id), inArray(members.lineUserId, users)));
    expect(stored.sort((a, b) => a.lineUserId.localeCompare(b.lineUserId))).toEqual(
      users.map((lineUserId, i) => ({
        lineUserId,
        displayName: `new member ${i}`,
        locale: LANGUAGES[i % 3],
      })),
    );
  });
});
