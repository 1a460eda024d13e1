import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Request } from 'express';
import express from 'express';
import request from 'supertest';
import { createConsoleModule } from '../../bot/console/index.js';
import { createApp } from '../../bot/create-app.js';
import { createMembersModule } from '../../bot/members/index.js';
import {
  buildRewardsMemberRouter,
  createRewardsConsoleModule,
  createRewardsPublicModule,
} from '../../bot/rewards/index.js';
import type { Services } from '../../core/app/build-services.js';
import type { ConsoleRole } from '../../core/console/index.js';
import { auditLog, drawWinners } from '../../core/db/schema.js';
import {
  computePrizeTax,
  createTaxDataCipher,
  needsTaxPaperwork,
  parseTaxDataKey,
  type SealedTaxData,
} from '../../core/draws/index.js';
import { createUnauthorizedError } from '../../core/shared/errors.js';
import { grantEntries, signInConsoleRoles } from '../rewards/session-fixtures.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { BRAND_ID, memberId, rewardsSeed } from '../rewards/fixtures.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const TAX_DATA_KEY = randomBytes(32).toString('base64');
const NT = (dollars: number) => dollars * 100;

describe('the tax arithmetic (hand-computed)', () => {
  test.each([
    // value, resident, withholding, premium, net — in NT$
    [30_000, true, 3_000, 633, 26_367],
    [30_000, false, 6_000, 633, 23_367],
    // The premium is due from NT$20,000 ("reaches"); withholding only above it ("exceeds").
    [20_000, true, 0, 422, 19_578],
    [20_001, true, 2_000, 422, 17_579],
    // 25,050 × 2.11 % = 528.555 → 529 (whole dollars, half up); × 10 % = 2,505.
    [25_050, true, 2_505, 529, 22_016],
    [5_000, true, 0, 0, 5_000],
  ])('NT$%i (resident: %s): withholding NT$%i, premium NT$%i, net NT$%i', (value, resident, w, p, net) => {
    expect(computePrizeTax({ valueMinor: NT(value), resident })).toMatchObject({
      withholdingMinor: NT(w),
      healthPremiumMinor: NT(p),
      netMinor: NT(net),
    });
  });

  test('the paperwork is asked for Taiwan-dollar prizes above NT$1,000 only', () => {
    expect(needsTaxPaperwork({ currency: 'TWD', valueMinor: NT(1_000) })).toBe(false);
    expect(needsTaxPaperwork({ currency: 'TWD', valueMinor: NT(1_000) + 1 })).toBe(true);
    expect(needsTaxPaperwork({ currency: 'THB', valueMinor: NT(50_000) })).toBe(false);
    expect(needsTaxPaperwork({ currency: 'TWD', valueMinor: null })).toBe(false);
  });
});

describe('AES-256-GCM sealing', () => {
  const data = { name: '王小明', idNumber: 'A123456789', address: '台北市信義區市府路 1 號', resident: true };

  test('when sealed, then it opens only with the same key and for the same winner', () => {
    const cipher = createTaxDataCipher(parseTaxDataKey(TAX_DATA_KEY));
    const sealed = cipher.seal(data, 'dwn_1');

    expect(JSON.stringify(sealed)).not.toContain('A123456789');
    expect(cipher.open(sealed, 'dwn_1')).toEqual(data);
    expect(() => cipher.open(sealed, 'dwn_2')).toThrow(
      expect.objectContaining({ code: 'winner_tax.unreadable' }),
    );
    const other = createTaxDataCipher(randomBytes(32));
    expect(() => other.open(sealed, 'dwn_1')).toThrow(
      expect.objectContaining({ code: 'winner_tax.unreadable' }),
    );
  });

  test('a key must be 32 bytes (base64 or hex)', () => {
    expect(parseTaxDataKey('ab'.repeat(32))).toHaveLength(32);
    expect(() => parseTaxDataKey('too-short')).toThrow(/32 bytes/);
  });
});

/** The LIFF side: the tests say which member calls (production resolves the LIFF ID token). */
function resolveMember(req: Request) {
  const member = req.header('x-test-member');
  if (!member) throw createUnauthorizedError();
  return { brandId: BRAND_ID, memberId: member };
}

describe('winner paperwork through the API', () => {
  let services: TestServices;
  let app: ReturnType<typeof createApp>;
  let drawId: string;
  const cookies = new Map<ConsoleRole, string>();
  const as = (role: ConsoleRole, agent: request.Test) =>
    agent.set('cookie', cookies.get(role) as string).set('x-proofline-brand', 'rewards');
  const asMember = (index: number, agent: request.Test) => agent.set('x-test-member', memberId(index));

  beforeAll(async () => {
    services = await buildTestServices({
      now: '2026-02-01T20:00:00Z',
      config: { localMode: false, taxDataKey: TAX_DATA_KEY },
      seed: rewardsSeed({
        memberCount: 2,
        submissions: [
          [1, 1],
          [2, 2],
        ],
      }),
    });
    const s = services as Services;
    const liff = express.Router();
    liff.use('/api/liff/rewards', buildRewardsMemberRouter(s, resolveMember));
    app = createApp(s, [
      createConsoleModule(s),
      createRewardsConsoleModule(s),
      createRewardsPublicModule(s),
      createMembersModule(s),
      { json: liff },
    ]);
    for (const [role, cookie] of await signInConsoleRoles(app, services, ['owner', 'marketer', 'viewer']))
      cookies.set(role, cookie);
    await grantEntries(
      services,
      [
        [1, 1],
        [2, 2],
      ],
      2,
    );
    // Two prizes for two members: each wins one (a scooter worth NT$30,000 and a mug worth NT$500).
    const created = await as('marketer', request(app).post('/api/console/draws')).send({
      campaign: 'tea-2026',
      name: { en: 'Week 5' },
      periodFrom: '2026-01-26T00:00:00Z',
      periodTo: '2026-02-02T00:00:00Z',
      prizes: [
        { key: 'scooter', name: { en: 'Scooter' }, quantity: 1, valueMinor: NT(30_000) },
        { key: 'mug', name: { en: 'Mug' }, quantity: 1, valueMinor: NT(500) },
      ],
    });
    drawId = created.body.draw.id;
    services.clock.set('2026-02-02T00:00:00Z');
    await as('marketer', request(app).post(`/api/console/draws/${drawId}/run`)).send({});
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await services.database.close();
  });

  const winnerOf = async (prize: string) => {
    for (const index of [1, 2]) {
      const wins = (await asMember(index, request(app).get('/api/liff/rewards/draw-wins'))).body.wins as {
        id: string;
        prizeKey: string;
        paperwork: string;
      }[];
      const win = wins.find((candidate) => candidate.prizeKey === prize);
      if (win) return { index, win };
    }
    throw new Error(`nobody won ${prize}`);
  };

  test('when the winner of a prize above NT$1,000 gives their data, then only ciphertext is stored', async () => {
    const { index, win } = await winnerOf('scooter');
    expect(win.paperwork).toBe('needed');
    expect((await winnerOf('mug')).win.paperwork).toBe('not_needed');

    const bad = await asMember(
      index,
      request(app).put(`/api/liff/rewards/draw-wins/${win.id}/tax-info`),
    ).send({
      name: '王小明',
      idNumber: 'A12345',
      address: '台北市信義區市府路 1 號',
      resident: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toEqual([expect.objectContaining({ path: ['idNumber'] })]);

    const given = await asMember(
      index,
      request(app).put(`/api/liff/rewards/draw-wins/${win.id}/tax-info`),
    ).send({
      name: '王小明',
      idNumber: 'a123456789',
      address: '台北市信義區市府路 1 號',
      resident: true,
    });

    expect(given.status).toBe(200);
    const [row] = await services.database.db.select().from(drawWinners).where(eq(drawWinners.id, win.id));
    const stored = JSON.stringify(row?.taxInfo);
    for (const secret of ['王小明', 'A123456789', '市府路']) expect(stored).not.toContain(secret);
    expect(row?.taxInfo).toMatchObject({
      alg: 'aes-256-gcm',
      ct: expect.any(String),
      iv: expect.any(String),
    });
    expect(
      createTaxDataCipher(parseTaxDataKey(TAX_DATA_KEY)).open(row!.taxInfo as SealedTaxData, win.id),
    ).toMatchObject({ idNumber: 'A123456789' });
    expect((await winnerOf('scooter')).win.paperwork).toBe('received');
    const memberPage = await as('viewer', request(app).get(`/api/console/members/${memberId(index)}`));
    expect(memberPage.body.prizes).toEqual([
      expect.objectContaining({ name: { en: 'Scooter' }, valueMinor: NT(30_000), paperwork: 'received' }),
    ]);
    expect(JSON.stringify(memberPage.body)).not.toContain('A123456789');
  });

  test('when the other member or a small prize is used, then the paperwork is refused', async () => {
    const { index, win } = await winnerOf('scooter');
    const body = { name: 'X', idNumber: 'A123456789', address: 'Somewhere 1', resident: true };
    const other = await asMember(
      3 - index,
      request(app).put(`/api/liff/rewards/draw-wins/${win.id}/tax-info`),
    ).send(body);
    expect(other.status).toBe(404);
    const mug = await winnerOf('mug');
    const small = await asMember(
      mug.index,
      request(app).put(`/api/liff/rewards/draw-wins/${mug.win.id}/tax-info`),
    ).send(body);
    expect(small.status).toBe(409);
    expect(small.body.error.code).toBe('winner_tax.not_needed');
  });

  test('when an owner reads the tax report, then the data is decrypted with the withholding; others get 403', async () => {
    const report = await as('owner', request(app).get(`/api/console/draws/${drawId}/tax`));

    expect(report.status).toBe(200);
    expect(report.body.rows).toEqual([
      expect.objectContaining({
        prizeKey: 'scooter',
        valueMinor: NT(30_000),
        data: { name: '王小明', idNumber: 'A123456789', address: '台北市信義區市府路 1 號', resident: true },
        tax: expect.objectContaining({ withholdingMinor: NT(3_000), healthPremiumMinor: NT(633) }),
      }),
    ]);
    expect(report.body.totals).toEqual({ withholdingMinor: NT(3_000), healthPremiumMinor: NT(633) });
    const audits = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'console.winner_tax_read'));
    expect(audits).toHaveLength(1);
    for (const role of ['marketer', 'viewer'] as const) {
      const refused = await as(role, request(app).get(`/api/console/draws/${drawId}/tax`));
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain('A123456789');
    }
  });

  test('when a marketer sets the lucky-draw permit, then the public draw record prints it', async () => {
    const half = await as('marketer', request(app).put(`/api/console/draws/${drawId}/permit`)).send({
      permitNumber: '12/2569',
      permitProvince: null,
    });
    expect(half.status).toBe(400);
    const viewer = await as('viewer', request(app).put(`/api/console/draws/${drawId}/permit`)).send({
      permitNumber: '12/2569',
      permitProvince: 'กรุงเทพมหานคร',
    });
    expect(viewer.status).toBe(403);

    const set = await as('marketer', request(app).put(`/api/console/draws/${drawId}/permit`)).send({
      permitNumber: '12/2569',
      permitProvince: 'กรุงเทพมหานคร',
    });
    const published = await request(app).get(`/api/public/draws/${drawId}`);

    expect(set.status).toBe(200);
    expect(published.status).toBe(200);
    expect(published.body.draw).toMatchObject({ permitNumber: '12/2569', permitProvince: 'กรุงเทพมหานคร' });

    // Audited with the change; the same permit saved again changes nothing and writes no second row.
    const again = await as('marketer', request(app).put(`/api/console/draws/${drawId}/permit`)).send({
      permitNumber: '12/2569',
      permitProvince: 'กรุงเทพมหานคร',
    });
    expect(again.status).toBe(200);
    const audited = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'draw.permit_set'));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ targetType: 'draw', targetId: drawId, actorType: 'console_user' });
    expect(audited[0]!.data).toMatchObject({
      permitNumber: '12/2569',
      permitProvince: 'กรุงเทพมหานคร',
      from: { permitNumber: null, permitProvince: null },
    });
  });
});
