import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { runCampaignCommand } from '../../bin/commands/campaign.command.js';
import type { Services } from '../../core/app/build-services.js';
import type { Express } from 'express';
import request from 'supertest';
import { CHECKED_RULE_OF, type RuleVerdict } from '../../core/campaigns/index.js';
import { submissions } from '../../core/db/schema.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { submitProof, type SubmissionDecision } from '../../core/submissions/index.js';
import type { SimInvoiceInput } from '../../sim/mof/mof-sim.dataset.js';
import {
  BRAND_ID,
  createWorld,
  detailRequests,
  MEMBER_A,
  TEA_INVOICE,
  typed,
  type World,
} from '../submissions/world.js';
import { campaignsApp, signedIn, teaCampaignBody } from './campaigns-support.js';

/** A real e-invoice's left QR (from test/invoices): bought 2017-05-29, two buns. */
const QR_LEFT =
  'TZ62958842106052991040000004B0000004B00000000423274581ddZFPeX1laqgQNOdA5c9Q==:**********:2:2:1:菠蘿:1:35:日式紅豆:1:40';

const RULES = {
  itemGroups: [{ key: 'tea', keywords: ['茶'], excludeKeywords: ['茶壺'] }],
  minAmount: { basis: 'matched', amountMinor: 3_000 },
  stores: { allow: { namePatterns: ['全家*'] } },
};

/** The proofs the marketer tries: each a purchase in the MoF simulator, typed the way a member types it. */
const PROOFS: Record<string, SimInvoiceInput> = {
  accepted: { ...TEA_INVOICE, invoiceNumber: 'EF10000001' },
  tooLittle: {
    ...TEA_INVOICE,
    invoiceNumber: 'EF10000002',
    totalAmount: 120,
    items: [
      { name: '好茶 綠茶 600ml', quantity: 1, unitPrice: 20 },
      { name: '洋芋片', quantity: 1, unitPrice: 100 },
    ],
  },
  otherStore: {
    ...TEA_INVOICE,
    invoiceNumber: 'EF10000003',
    sellerName: '統一超商股份有限公司',
    sellerBan: '22555003',
  },
  teapot: {
    ...TEA_INVOICE,
    invoiceNumber: 'EF10000004',
    totalAmount: 900,
    items: [{ name: '陶瓷茶壺', quantity: 1, unitPrice: 900 }],
  },
  business: { ...TEA_INVOICE, invoiceNumber: 'EF10000005', buyerBan: '12345675' },
  beforeWindow: { ...TEA_INVOICE, invoiceNumber: 'EF10000006', invoiceDate: '2024-10-20' },
};

describe('rule checker (POST /api/console/campaigns/:idOrSlug/check)', () => {
  let world: World;
  let app: Express;
  let services: Services;
  let marketer: string;
  let campaignId: string;

  beforeAll(async () => {
    world = await createWorld();
    world.sim.admin.addInvoices(Object.values(PROOFS));
    ({ app, services } = campaignsApp(world, {
      ocrEngine: buildFakeOcrEngine(
        '全家便利商店\n統一編號 24549210\n2024-11-05 12:00\n好茶 綠茶 2 50\n總計 50',
      ),
    }));
    marketer = await signedIn(app, world, { email: 'mia@tea.example', brandId: BRAND_ID, role: 'marketer' });
    const created = await request(app)
      .post('/api/console/campaigns')
      .set('cookie', marketer)
      .send(teaCampaignBody({ slug: 'checked', rules: RULES, status: 'active' }));
    expect(created.status).toBe(201);
    campaignId = created.body.campaign.id;
  });
  afterAll(async () => {
    await world.close();
  });

  const check = (body: object) =>
    request(app).post('/api/console/campaigns/checked/check').set('cookie', marketer).send(body);
  const failedRules = (rules: { rule: string; passed: boolean }[]) =>
    rules
      .filter((r) => !r.passed)
      .map((r) => r.rule)
      .sort();

  test('when the same proofs go through the checker and the real submission path, then the verdicts and failing rules are the same', async () => {
    const names = Object.keys(PROOFS);
    const before = await world.database.db.$count(submissions);
    const checked = await check({ proofs: names.map((name) => typed(PROOFS[name]!)) });
    expect(checked.status).toBe(200);
    // The checker stores nothing.
    expect(await world.database.db.$count(submissions)).toBe(before);

    for (const [index, name] of names.entries()) {
      const result = await submitProof(world.deps, {
        brandId: BRAND_ID,
        memberId: MEMBER_A,
        campaignId,
        channel: 'chat',
        sourceRef: `evt-check-${name}`,
        input: { type: 'text', text: typed(PROOFS[name]!) },
      });
      const decision = result.submission?.decision as SubmissionDecision | null;
      const realFailed = [
        ...new Set(
          (decision?.verdicts ?? [])
            .filter((v: RuleVerdict) => !v.passed)
            .map((v) => CHECKED_RULE_OF[v.rule]),
        ),
      ].sort();
      const mine = checked.body.results[index];
      expect({ name, verdict: mine.verdict, failed: failedRules(mine.rules) }).toEqual({
        name,
        verdict: result.outcome,
        failed: realFailed,
      });
    }
    expect(checked.body.results.map((r: { verdict: string }) => r.verdict)).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ]);
  });

  test('when a proof is checked, then each rule says in words what matched or failed, with the rewards and the reading', async () => {
    const response = await check({
      proofs: [
        typed(PROOFS.accepted!),
        typed(PROOFS.tooLittle!),
        typed(PROOFS.otherStore!),
        typed(PROOFS.teapot!),
      ],
    });
    const [accepted, tooLittle, otherStore, teapot] = response.body.results;

    expect(accepted.rewards).toEqual({ points: 5, entries: 1, instantPlays: 0 });
    expect(accepted.reading).toMatchObject({
      source: 'platform',
      sellerName: '全家便利商店股份有限公司',
      totalAmountMinor: 15_000,
    });
    const rule = (result: { rules: { rule: string; detail: string }[] }, key: string) =>
      result.rules.find((r) => r.rule === key)?.detail;
    expect(rule(accepted, 'itemGroups')).toBe('"好茶 綠茶 600ml" ×2 matched tea by "茶"');
    expect(rule(accepted, 'minAmount')).toBe('matched items TWD 50.00 ≥ threshold TWD 30.00');
    expect(rule(tooLittle, 'minAmount')).toBe('matched items TWD 20.00 < threshold TWD 30.00');
    expect(tooLittle.rewards).toEqual({ points: 0, entries: 0, instantPlays: 0 });
    expect(rule(otherStore, 'stores')).toBe(
      '統一超商股份有限公司, BAN 22555003 matches none of the allowed stores (names 全家*)',
    );
    expect(rule(teapot, 'itemGroups')).toContain('"陶瓷茶壺" left out of tea by the exclude word "茶壺"');
    expect(accepted.rules.map((r: { rule: string }) => r.rule)).toEqual([
      'currency',
      'purchaseWindow',
      'excludeVoided',
      'excludeBuyerBan',
      'stores',
      'itemGroups',
      'minAmount',
    ]);
  });

  test('when the console asks in zh-TW or th, then the same proof is explained in that language under the same rule keys', async () => {
    const proofs = [typed(PROOFS.tooLittle!), typed(PROOFS.otherStore!)];
    const english = await check({ proofs });
    const chinese = await request(app)
      .post('/api/console/campaigns/checked/check')
      .set('cookie', marketer)
      .set('accept-language', 'zh-TW')
      .send({ proofs });
    const thai = await check({ proofs, lang: 'th' });
    const thaiByHeader = await request(app)
      .post('/api/console/campaigns/checked/check')
      .set('cookie', marketer)
      .set('accept-language', 'th-TH,th;q=0.9,en;q=0.5')
      .send({ proofs });
    for (const answer of [english, chinese, thai, thaiByHeader]) expect(answer.status).toBe(200);
    expect(chinese.headers.vary).toMatch(/accept-language/i);

    // Same verdicts, rule keys and ticks (the API contract); only the words change.
    const shape = (body: { results: { verdict: string; rules: { rule: string; passed: boolean }[] }[] }) =>
      body.results.map((r) => ({
        verdict: r.verdict,
        rules: r.rules.map(({ rule, passed }) => ({ rule, passed })),
      }));
    expect(shape(chinese.body)).toEqual(shape(english.body));
    expect(shape(thai.body)).toEqual(shape(english.body));
    expect(thaiByHeader.body.results).toEqual(thai.body.results);

    const rule = (result: { rules: { rule: string; detail: string }[] }, key: string) =>
      result.rules.find((r) => r.rule === key)?.detail;
    const [chineseTooLittle, chineseOtherStore] = chinese.body.results;
    const [thaiTooLittle, thaiOtherStore] = thai.body.results;
    expect(rule(english.body.results[0], 'minAmount')).toBe('matched items TWD 20.00 < threshold TWD 30.00');
    expect(rule(chineseTooLittle, 'minAmount')).toBe('符合品項金額 NT$20 < 門檻 NT$30');
    expect(rule(thaiTooLittle, 'minAmount')).toBe('ยอดสินค้าที่ตรงเงื่อนไข NT$20 < เกณฑ์ NT$30');
    expect(rule(chineseOtherStore, 'stores')).toBe(
      '統一超商股份有限公司，統編 22555003 不符合任何指定店家（名稱 全家*）',
    );
    expect(rule(thaiOtherStore, 'stores')).toBe(
      '統一超商股份有限公司, เลขผู้เสียภาษี 22555003 ไม่ตรงกับร้านที่กำหนดเลย (ชื่อ 全家*)',
    );
    expect(rule(chineseTooLittle, 'purchaseWindow')).toMatch(
      /^2024年11月\d+日 購買，在購買期間 2024年11月1日 – /,
    );
    expect(rule(thaiTooLittle, 'purchaseWindow')).toMatch(
      /^ซื้อวันที่ \d+ พ\.ย\. 2024 อยู่ในช่วงเวลาซื้อ 1 พ\.ย\. 2024 – /,
    );

    // A language the checker does not speak is refused by name, not guessed.
    const unknown = await check({ proofs, lang: 'fr' });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body.error.fieldErrors)).toContain('lang');
  });

  test('when draft rules are sent, then the table follows them and the campaign is unchanged', async () => {
    const response = await check({
      proofs: [typed(PROOFS.tooLittle!)],
      rules: { ...RULES, minAmount: { basis: 'matched', amountMinor: 1_000 } },
    });
    expect(response.body).toMatchObject({ draft: true, results: [{ verdict: 'accepted' }] });
    const campaign = await request(app).get('/api/console/campaigns/checked').set('cookie', marketer);
    expect(campaign.body.campaign.rules.minAmount.amountMinor).toBe(3_000);

    const bad = await check({ proofs: ['x'], rules: { minAmount: { basis: 'total', amountMinor: 0 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fieldErrors).toHaveProperty(['rules.minAmount.amountMinor']);
  });

  test('when invoice objects, QR pairs and nonsense are checked, then objects and QRs are judged as read without the platform', async () => {
    world.sim.admin.resetRequestCounts();
    const response = await check({
      proofs: [
        {
          invoiceNumber: 'GH12345678',
          invoiceDate: '2024-11-06',
          sellerName: '全家 信義店',
          sellerBan: '24549210',
          totalAmount: 75,
          items: [{ name: '茶裏王 綠茶', quantity: 3, unitPrice: 25 }],
        },
        'hello there',
        'AB1234567 1131105 12',
        `${QR_LEFT} **`,
      ],
    });
    expect(response.status).toBe(200);
    const [object, nonsense, broken, qr] = response.body.results;
    expect(qr).toMatchObject({ verdict: 'rejected', reading: { source: 'qr', invoiceNumber: 'TZ62958842' } });
    expect(qr.rules.find((r: { rule: string }) => r.rule === 'purchaseWindow').detail).toBe(
      'bought on 2017-05-29, before the purchase window opens on 2024-11-01; registered on 2024-11-05, inside the registration window',
    );
    expect(object).toMatchObject({
      verdict: 'accepted',
      reading: { source: 'invoice', totalAmountMinor: 7_500 },
    });
    expect(nonsense).toMatchObject({ verdict: 'unreadable', rules: [] });
    expect(broken.verdict).toBe('unreadable');
    expect(detailRequests(world.sim)).toBe(0);

    const empty = await check({ proofs: [] });
    expect(empty.status).toBe(400);
    const badObject = await check({ proofs: [{ invoiceDate: 'yesterday', items: [] }] });
    expect(badObject.status).toBe(400);
    expect(Object.keys(badObject.body.error.fieldErrors)).toContain('proofs.0.invoiceDate');
  });

  test('when a photo is uploaded as multipart, then it is read and judged like a photo proof, and nothing is stored', async () => {
    const photo = readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', 'tw-paper-1-clean.png'));
    const response = await request(app)
      .post('/api/console/campaigns/checked/check')
      .set('cookie', marketer)
      .set('x-proofline-csrf', '1')
      .field('body', JSON.stringify({ proofs: [typed(PROOFS.accepted!)] }))
      .attach('photo', photo, 'receipt.png');

    expect(response.status).toBe(200);
    expect(response.body.results).toHaveLength(2);
    const read = response.body.results[1];
    expect(read.proof).toBe('receipt.png');
    // The campaign does not accept photos automatically: a reviewer would decide.
    expect(read.verdict).toBe('needs_review');

    const withoutHeader = await request(app)
      .post('/api/console/campaigns/checked/check')
      .set('cookie', marketer)
      .attach('photo', photo, 'receipt.png');
    expect(withoutHeader.status).toBe(415);
  });

  test('when `proofline campaign check` is run with the same proofs, then it prints the same JSON as the API', async () => {
    const proofs = [typed(PROOFS.accepted!), typed(PROOFS.otherStore!), 'hello there'];
    const run = async (...options: string[]) => {
      const printed: string[] = [];
      const log = jest
        .spyOn(console, 'log')
        .mockImplementation((line: unknown) => void printed.push(String(line)));
      try {
        const code = await runCampaignCommand(['check', 'checked', ...proofs, '--brand', 'tea', ...options], {
          services,
          platform: world.platform,
        });
        expect(code).toBe(0);
      } finally {
        log.mockRestore();
      }
      return JSON.parse(printed.join('\n')) as unknown;
    };
    expect(await run()).toEqual((await check({ proofs })).body);
    // --lang words the details like the API's `lang`.
    expect(await run('--lang', 'zh-TW')).toEqual((await check({ proofs, lang: 'zh-TW' })).body);
  });
});
