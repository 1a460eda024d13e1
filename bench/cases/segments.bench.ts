import { sql } from 'drizzle-orm';
import { createDatabase, queryRows, type DatabaseHandle } from '../../core/db/database.js';
import { brands } from '../../core/db/schema.js';
import { previewCondition, type SegmentCondition } from '../../core/segments/index.js';
import { systemClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import {
  compare,
  medianMs,
  p95Ms,
  round,
  timeIt,
  type BenchCase,
  type BenchMeasurement,
} from '../bench.types.js';

/** Members of the brand (issue 13's goal: the live count under 1 s for 1,000,000 on PostgreSQL). */
const MEMBERS = Number(
  process.env.SEGMENT_BENCH_MEMBERS ?? (process.env.BENCH_DATABASE_URL ? 1_000_000 : 100_000),
);

/** What the segment builder sends while a marketer edits (the count, then the sample of 20). */
const CONDITIONS: Record<string, SegmentCondition> = {
  'zh-TW and not tagged vip': {
    type: 'and',
    conditions: [
      { type: 'language', languages: ['zh-TW'] },
      { type: 'not', condition: { type: 'tag', tags: ['vip'] } },
    ],
  },
  'Taipei or New Taipei, registered, female, not opted out': {
    type: 'and',
    conditions: [
      { type: 'region', regions: ['TW-TPE', 'TW-NWT'] },
      { type: 'registered', registered: true },
      { type: 'gender', genders: ['female'] },
      { type: 'not', condition: { type: 'consent', kind: 'marketing', granted: false } },
    ],
  },
  'tagged vip or in Kaohsiung': {
    type: 'or',
    conditions: [
      { type: 'tag', tags: ['vip'] },
      { type: 'region', regions: ['TW-KHH'] },
    ],
  },
};

/**
 * The segment live count over MEMBERS members (a tenth tagged, a twentieth opted out, a fiftieth blocked),
 * p95 of 20 warm runs, against a bare `count(*)` of the brand's members in the same run; and the sample of
 * 20. PGlite by default (100,000); BENCH_DATABASE_URL runs it on PostgreSQL (1,000,000).
 */
const segmentsBench: BenchCase = {
  name: `segments: the live count over ${MEMBERS.toLocaleString('en')} members`,
  issue: 13,
  run: async () => {
    const url = process.env.BENCH_DATABASE_URL;
    const label = url ? 'postgresql' : 'pglite';
    const database: DatabaseHandle = url
      ? await createDatabase({ url, poolMax: 4 })
      : await createDatabase({ pgliteDataDir: 'memory://' });
    const measurements: BenchMeasurement[] = [];
    try {
      await database.migrate();
      const db = database.db;
      const brandId = `brd_segb${Date.now().toString(36)}`;
      await db.insert(brands).values({
        id: brandId,
        slug: brandId,
        name: 'Segments bench',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      });
      const seedMs = await timeIt(async () => {
        for (let start = 1; start <= MEMBERS; start += 100_000) {
          const end = Math.min(MEMBERS, start + 99_999);
          await db.execute(sql`
            insert into members (id, brand_id, line_user_id, locale, region, gender, registered_at, following)
            select ${brandId} || '_' || g, ${brandId}, 'U' || lpad(g::text, 32, '0'),
                   case when g % 10 = 3 then 'en' else 'zh-TW' end,
                   (array['TW-TPE', 'TW-NWT', 'TW-KHH', 'TW-TXG', 'TW-TNN'])[1 + g % 5],
                   case when g % 2 = 0 then 'female' else 'male' end,
                   case when g % 3 = 0 then null else now() - (g % 365) * interval '1 day' end,
                   g % 50 <> 0
            from generate_series(${start}::int, ${end}::int) g`);
          await db.execute(sql`
            insert into member_tags (id, brand_id, member_id, tag, source)
            select 'tag_' || ${brandId} || '_' || g, ${brandId}, ${brandId} || '_' || g, 'vip', 'console'
            from generate_series(${start}::int, ${end}::int) g where g % 10 = 0`);
          await db.execute(sql`
            insert into consents (id, brand_id, member_id, kind, granted, text_version, locale, source)
            select 'cns_' || ${brandId} || '_' || g, ${brandId}, ${brandId} || '_' || g, 'marketing', false,
                   'bench', 'zh-TW', 'chat'
            from generate_series(${start}::int, ${end}::int) g where g % 20 = 0`);
        }
        await db.execute(sql`analyze`);
      });
      measurements.push({ metric: `${label}: seed ${MEMBERS} members`, value: round(seedMs), unit: 'ms' });

      const bare = await p95Ms(() =>
        queryRows(db, sql`select count(*) from members where brand_id = ${brandId}`),
      );
      const deps = { db, clock: systemClock, generateId: createIdGenerator() };
      for (const [name, condition] of Object.entries(CONDITIONS)) {
        const { count } = await previewCondition(deps, { brandId, condition, sample: false });
        const countMs = await p95Ms(() => previewCondition(deps, { brandId, condition, sample: false }));
        measurements.push(
          compare(
            `${label}: live count "${name}" (p95 of 20)`,
            'ms',
            countMs,
            { name: "bare count(*) of the brand's members", value: bare },
            `${count} reachable`,
          ),
          compare(`${label}: live count "${name}" (p95 of 20)`, 'ms', countMs, {
            name: 'goal',
            value: 1_000,
          }),
        );
        const withSample = await medianMs(() => previewCondition(deps, { brandId, condition, sample: true }));
        measurements.push({
          metric: `${label}: count + sample of 20 "${name}" (median of 5)`,
          value: round(withSample),
          unit: 'ms',
        });
      }
    } finally {
      await database.close();
    }
    return measurements;
  },
};

export default segmentsBench;
