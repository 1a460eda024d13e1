import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { broadcastRecipients, startBroadcast, createBroadcast } from '../../core/broadcasts/index.js';
import { queryRows } from '../../core/db/database.js';
import type { TestSeed } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { buildTestServices, type TestServices } from '../support/services.js';

/**
 * Freezing the recipients is set-based (the brand's recent deliveries grouped by member once, recipients
 * and chunks written in bulk): what it writes is checked here against a plain evaluation of the rules in
 * JavaScript over the same history.
 */
const TW = 'brd_frz';
const OTHER = 'brd_frz_other';
/** 12:00 in Taipei: outside quiet hours. */
const NOW = '2026-03-10T04:00:00Z';
const DAY = 86_400_000;
const MEMBERS = 60;
const CAP = { messages: 2, days: 7 };
const lineIdOf = (n: number) => `U${(0xf000 + n).toString(16).padStart(32, '0')}`;
const memberId = (n: number) => `mbr_frz${String(n).padStart(3, '0')}`;

/** Earlier broadcasts of the brand (and one of another brand) whose recipients count toward the cap. */
const PRIOR = ['bct_frz_p1', 'bct_frz_p2', 'bct_frz_p3'];
const STATUSES = ['pending', 'sent', 'failed', 'skipped', 'held_out', 'cancelled'] as const;
/** Ages of earlier deliveries: inside the window, exactly at its start (counted), just outside it. */
const AGES_MS = [DAY / 2, 7 * DAY - 1, 7 * DAY, 7 * DAY + 1, 10 * DAY];

const history = Array.from({ length: MEMBERS }, (_, i) => i + 1).flatMap((n) =>
  PRIOR.flatMap((broadcastId, b) =>
    // Some members missed some earlier broadcasts altogether.
    (n + b) % 4 === 3
      ? []
      : [
          {
            brandId: TW,
            broadcastId,
            memberId: memberId(n),
            lineUserId: lineIdOf(n),
            groupKey: 'A',
            status: STATUSES[(n * 7 + b * 3) % STATUSES.length]!,
            createdAt: new Date(new Date(NOW).getTime() - AGES_MS[(n + 2 * b) % AGES_MS.length]!),
          },
        ],
  ),
);

const seed = {
  brands: [
    { id: TW, slug: 'frz', name: '好茶', country: 'TW', defaultLocale: 'zh-TW', timezone: 'Asia/Taipei' },
    {
      id: OTHER,
      slug: 'frz-o',
      name: '別家',
      country: 'TW',
      defaultLocale: 'zh-TW',
      timezone: 'Asia/Taipei',
    },
  ],
  lineChannels: [
    {
      id: 'chn_frz',
      brandId: TW,
      name: 'tw',
      channelSecret: 's',
      lineChannelId: '2700000001',
      channelAccessToken: 'frz-token',
    },
    {
      id: 'chn_frz_o',
      brandId: OTHER,
      name: 'o',
      channelSecret: 's',
      lineChannelId: '2700000002',
      channelAccessToken: 'frz-o-token',
    },
  ],
  members: [
    ...Array.from({ length: MEMBERS }, (_, i) => ({
      id: memberId(i + 1),
      brandId: TW,
      lineUserId: lineIdOf(i + 1),
      locale: (i % 3 === 0 ? 'en' : 'zh-TW') as 'en' | 'zh-TW',
      following: (i + 1) % 9 !== 0,
    })),
    { id: 'mbr_frz_other', brandId: OTHER, lineUserId: lineIdOf(999), locale: 'zh-TW' as const },
  ],
  broadcasts: [
    ...PRIOR.map((id) => ({
      id,
      brandId: TW,
      channelId: 'chn_frz',
      messages: [{ type: 'text', text: 'earlier' }],
      method: 'multicast' as const,
      state: 'sent' as const,
    })),
    {
      id: 'bct_frz_o1',
      brandId: OTHER,
      channelId: 'chn_frz_o',
      messages: [{ type: 'text', text: 'elsewhere' }],
      method: 'multicast' as const,
      state: 'sent' as const,
    },
  ],
} satisfies TestSeed;

/** The plain rule: blocked first, then capped when ≥ 2 pending or sent deliveries at or after now − 7 days. */
function expectedReason(n: number): string | null {
  if (n % 9 === 0) return 'blocked';
  const since = new Date(NOW).getTime() - CAP.days * DAY;
  const recent = history.filter(
    (row) =>
      row.memberId === memberId(n) &&
      (row.status === 'pending' || row.status === 'sent') &&
      row.createdAt.getTime() >= since,
  ).length;
  return recent >= CAP.messages ? 'capped' : null;
}

describe('freezing the recipients of a broadcast (set-based)', () => {
  let services: TestServices;

  beforeAll(async () => {
    services = await buildTestServices({ now: NOW, seed });
    const db = services.database.db;
    await db.insert(broadcastRecipients).values(history);
    // Deliveries of another brand to a member of it: never counted for this brand's members.
    await db.insert(broadcastRecipients).values({
      brandId: OTHER,
      broadcastId: 'bct_frz_o1',
      memberId: 'mbr_frz_other',
      lineUserId: lineIdOf(999),
      groupKey: 'A',
      status: 'sent',
      createdAt: new Date(NOW),
    });
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await services?.database.close();
  });

  test('when members have earlier deliveries of every status and age, then the capped ones are exactly those the plain rule names, and every other member is in exactly one chunk', async () => {
    const deps = {
      db: services.database.db,
      clock: services.clock,
      generateId: services.generateId,
      messenger: { getMessageQuota: async () => ({ limit: undefined, used: 0 }) },
    };
    const actor = { userId: 'tester' };
    const { id } = await createBroadcast(deps, {
      brandId: TW,
      actor,
      input: {
        condition: { type: 'all' },
        messages: [{ type: 'text', text: '好茶週' }],
        languages: { en: [{ type: 'text', text: 'Tea week' }] },
        holdoutPercent: 10,
        trackLinks: false,
        ignoreQuietHours: false,
      },
    });

    await startBroadcast(deps, { brandId: TW, broadcastId: id, actor });

    const rows = await queryRows<{
      member_id: string;
      line_user_id: string;
      status: string;
      skip_reason: string | null;
      group_key: string;
      chunk_no: number | null;
    }>(
      services.database.db,
      sql`select member_id, line_user_id, status, skip_reason, group_key, chunk_no from broadcast_recipients
          where broadcast_id = ${id} order by member_id`,
    );
    const expected = Array.from({ length: MEMBERS }, (_, i) => i + 1);
    expect(rows.map((row) => row.member_id)).toEqual(expected.map(memberId));
    expect(rows.map((row) => (row.status === 'skipped' ? row.skip_reason : null))).toEqual(
      expected.map(expectedReason),
    );
    // The history has members of each outcome, so the comparison above means something.
    expect(new Set(expected.map(expectedReason))).toEqual(new Set([null, 'blocked', 'capped']));

    const chunks = await queryRows<{ chunk_no: number; line_user_ids: string[]; messages: unknown }>(
      services.database.db,
      sql`select chunk_no, line_user_ids, messages from broadcast_chunks where broadcast_id = ${id}
          order by chunk_no`,
    );
    const pending = rows.filter((row) => row.status === 'pending');
    const messageable = expected.filter((n) => expectedReason(n) === null).length;
    expect(pending.length + rows.filter((row) => row.status === 'held_out').length).toBe(messageable);
    expect(rows.filter((row) => row.status === 'held_out')).toHaveLength(Math.round(messageable / 10));
    // Each pending recipient is in exactly the chunk its row names, once; the chunk's body is its language's.
    const inChunks = chunks.flatMap((chunk) =>
      chunk.line_user_ids.map((userId): [string, number] => [userId, chunk.chunk_no]),
    );
    expect(inChunks.map(([userId]) => userId).sort()).toEqual(pending.map((row) => row.line_user_id).sort());
    expect(new Map(inChunks)).toEqual(new Map(pending.map((row) => [row.line_user_id, row.chunk_no])));
    for (const chunk of chunks) {
      const english = chunk.line_user_ids.map(
        (userId) => seed.members.find((member) => member.lineUserId === userId)!.locale === 'en',
      );
      expect(new Set(english).size).toBe(1);
      expect(chunk.messages).toEqual([{ type: 'text', text: english[0] ? 'Tea week' : '好茶週' }]);
    }
  });
});
