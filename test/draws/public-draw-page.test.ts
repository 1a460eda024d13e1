import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { createPublicDrawsRouter } from '../../bot/rewards/index.js';
import { negotiateLocale } from '../../core/i18n/index.js';
import {
  createDraw,
  draws,
  drawWinners,
  exportDraw,
  forfeitWinner,
  promoteReserveWinners,
  runDraw,
  verifyDrawExport,
} from '../../core/draws/index.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed } from '../rewards/fixtures.js';
import { grantEntries } from '../rewards/session-fixtures.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

describe('GET /draws/:id (the public verification page)', () => {
  let services: TestServices;
  let app: ReturnType<typeof createApp>;
  let openDrawId: string;
  let drawnDrawId: string;

  beforeAll(async () => {
    services = await buildTestServices({
      now: '2026-01-20T00:00:00Z',
      seed: rewardsSeed({
        memberCount: 3,
        submissions: [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
      }),
    });
    const db = services.database.db;
    app = createApp(services, [{ json: createPublicDrawsRouter({ db }) }]);
    const base = { db, generateId: services.generateId, brandId: BRAND_ID, campaignId: CAMPAIGN_ID };
    const drawn = await createDraw({
      ...base,
      name: { en: 'Week 5', 'zh-TW': '第五週', th: 'สัปดาห์ที่ 5' },
      periodFrom: new Date('2026-01-26T00:00:00Z'),
      periodTo: new Date('2026-02-02T00:00:00Z'),
      prizes: [{ key: 'grand', name: { en: 'Bike', 'zh-TW': '腳踏車', th: 'จักรยาน' }, quantity: 1 }],
      reserveCount: 1,
    });
    drawnDrawId = drawn.id;
    openDrawId = (
      await createDraw({
        ...base,
        name: { en: 'Final', 'zh-TW': '總抽獎' },
        periodFrom: new Date('2026-02-02T00:00:00Z'),
        periodTo: new Date('2026-03-01T00:00:00Z'),
        prizes: [{ key: 'grand', name: { en: 'Bike' }, quantity: 1 }],
      })
    ).id;
    await db
      .update(draws)
      .set({ permitNumber: 'LD-2026/118', permitProvince: 'Bangkok <Metropolis>' })
      .where(eq(draws.id, drawnDrawId));
    services.clock.set('2026-01-27T00:00:00Z');
    await grantEntries(
      services,
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      2,
    );
    services.clock.set('2026-02-02T00:00:00Z');
    await runDraw({
      db,
      generateId: services.generateId,
      clock: services.clock,
      brandId: BRAND_ID,
      drawId: drawnDrawId,
    });
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await services.database.close();
  });

  test('when anyone opens a run draw without a session, then the page shows the commitment, seed, entries and pseudonymised winners of the published record', async () => {
    const page = await request(app).get(`/draws/${drawnDrawId}`).set('accept-language', 'en-US,en;q=0.9');
    const exported = await exportDraw({ db: services.database.db, brandId: BRAND_ID, drawId: drawnDrawId });

    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('Draw verification: Week 5');
    expect(page.text).toContain('好茶'); // the brand
    expect(page.text).toContain('好茶集點'); // the campaign (zh-TW only: shown as it is)
    expect(page.text).toContain(exported.seedHash);
    expect(page.text).toContain(exported.seed);
    expect(page.text).toContain(exported.entriesDigest);
    expect(page.text).toContain('3 entries, 6 chances');
    for (const winner of exported.winners) {
      expect(page.text).toContain(winner.member);
      expect(page.text).toContain(winner.entryId);
    }
    expect(page.text).toContain('Bike');
    expect(page.text).toContain('Reserve 1');
    expect(page.text).toContain(`/api/public/draws/${drawnDrawId}/export`);
    expect(page.text).toContain(`npx proofline draw verify ${drawnDrawId}.json`);
    // The permit is printed, escaped like everything the brand typed.
    expect(page.text).toContain('LD-2026/118');
    expect(page.text).toContain('Bangkok &lt;Metropolis&gt;');
    expect(page.text).not.toContain('<Metropolis>');
    // Nothing that links a pick to a member.
    for (let index = 1; index <= 3; index++) expect(page.text).not.toContain(memberId(index));
    expect(page.text).not.toContain('pseudonymKey');
    // And what it shows is what `draw verify` recomputes.
    expect(verifyDrawExport(exported).ok).toBe(true);
  });

  test('when the page is served, then its policy allows no script and only its own style', async () => {
    const page = await request(app).get(`/draws/${drawnDrawId}`);
    const policy = String(page.headers['content-security-policy']);

    expect(policy).toContain("default-src 'none'");
    expect(policy).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).not.toContain('script-src');
    expect(policy).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).not.toContain('<script');
  });

  test.each([
    [
      'zh-TW',
      { lang: 'zh-TW' },
      undefined,
      ['抽獎驗證：第五週', '腳踏車', '備取 1', '3 筆登錄，共 6 次機會'],
    ],
    [
      'th',
      { lang: 'th' },
      undefined,
      ['ตรวจสอบการจับรางวัล: สัปดาห์ที่ 5', 'จักรยาน', 'ตัวสำรอง 1', '3 รายการ รวม 6 สิทธิ์'],
    ],
    ['en', { lang: 'en' }, 'th-TH', ['Draw verification: Week 5', 'Reserve 1']],
    ['th', {}, 'fr;q=1, th;q=0.8, en;q=0.5', ['ตรวจสอบการจับรางวัล']],
    ['zh-TW', {}, 'zh-Hant-TW,zh;q=0.9', ['抽獎驗證']],
    ['zh-TW', {}, undefined, ['抽獎驗證']], // the brand's language
  ])(
    'when the language is %s (query %j, Accept-Language %s), then the page is in it',
    async (locale, query, acceptLanguage, texts) => {
      const call = request(app).get(`/draws/${drawnDrawId}`).query(query);
      const page = await (acceptLanguage ? call.set('accept-language', acceptLanguage) : call);

      expect(page.status).toBe(200);
      expect(page.text).toContain(`<html lang="${locale}">`);
      for (const text of texts) expect(page.text).toContain(text);
    },
  );

  test('when the draw has not run yet, then the page shows the published hash and says the seed and winners come later', async () => {
    const page = await request(app).get(`/draws/${openDrawId}?lang=en`);
    const [row] = await services.database.db.select().from(draws).where(eq(draws.id, openDrawId));

    expect(page.status).toBe(200);
    expect(page.text).toContain(row?.seedHash as string);
    expect(page.text).not.toContain(row?.seed as string);
    expect(page.text).toContain('The seed is revealed when the draw runs');
    expect(page.text).toContain('The winners appear here once the draw has run.');
    expect(page.text).not.toContain('/export" download');
  });

  test('when a winner forfeits and the reserve steps up, then the page says so and the drawn record still verifies', async () => {
    const db = services.database.db;
    const before = await exportDraw({ db, brandId: BRAND_ID, drawId: drawnDrawId });
    const winner = (await db.select().from(drawWinners).where(eq(drawWinners.drawId, drawnDrawId))).find(
      (row) => !row.isReserve,
    );
    await forfeitWinner({ db, brandId: BRAND_ID, winnerId: winner?.id as string });
    await promoteReserveWinners({ db, clock: services.clock, brandId: BRAND_ID, drawId: drawnDrawId });

    const page = await request(app).get(`/draws/${drawnDrawId}?lang=en`);

    expect(page.text).toContain('forfeited');
    expect(page.text).toContain('receives Bike (replaces rank 1)');
    // The recomputed part is unchanged (the payouts say what became of each place) and still verifies.
    const after = await exportDraw({ db, brandId: BRAND_ID, drawId: drawnDrawId });
    expect({ ...after, payouts: undefined }).toEqual({ ...before, payouts: undefined });
    expect(verifyDrawExport(after).ok).toBe(true);

    // A win lost to a voided e-invoice (the payout re-check) says why, in the visitor's language.
    await db
      .update(drawWinners)
      .set({ forfeitReason: 'invoice_voided' })
      .where(eq(drawWinners.id, winner?.id as string));
    const zh = await request(app).get(`/draws/${drawnDrawId}?lang=zh-TW`);
    expect(zh.text).toContain('資格取消：發票已作廢');
  });

  test('when the id names no draw, then the answer is a 404 page in the visitor language', async () => {
    const page = await request(app).get('/draws/draw_nope').set('accept-language', 'zh-TW');

    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('找不到抽獎');
  });

  test('negotiateLocale: ?lang wins, then Accept-Language by q, then the fallback', () => {
    expect(negotiateLocale({ lang: 'th', acceptLanguage: 'en' }, 'zh-TW')).toBe('th');
    expect(negotiateLocale({ lang: 'de', acceptLanguage: 'en;q=0.2, th;q=0.9' }, 'zh-TW')).toBe('th');
    expect(negotiateLocale({ lang: undefined, acceptLanguage: 'de, fr' }, 'en')).toBe('en');
    expect(negotiateLocale({ lang: ['th'], acceptLanguage: 'zh-CN;q=0' }, 'en')).toBe('en');
  });
});
