import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { createTestClock } from '../../core/shared/clock.js';
import {
  SimDatasetError,
  loadDemoDataset,
  loadSimDataset,
  startMofSimulator,
  type RunningMofSimulator,
} from '../../sim/mof/index.js';

const INV_APP = '/PB2CAPIVAN/invapp/InvApp';
const INV_SERV = '/PB2CAPIVAN/invServ/InvServ';

async function post(url: string, form: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function admin(sim: RunningMofSimulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const HEADER_QUERY = {
  version: '0.5',
  action: 'qryInvHeader',
  type: 'Barcode',
  invNum: 'GL53778311',
  invDate: '2022/12/02',
  generation: 'V2',
  UUID: 'u-1',
  appID: 'EINV1',
};

describe('sim/mof speaks the MoF API', () => {
  let sim: RunningMofSimulator;
  const clock = createTestClock({ now: '2026-01-01T00:00:00Z' });
  beforeAll(async () => {
    sim = await startMofSimulator({ dataset: loadDemoDataset(), clock });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.admin.reset();
  });

  test('a header answer has the fields, order-free, and string values of the real sample', async () => {
    const answer = (await post(`${sim.url}${INV_APP}`, HEADER_QUERY)).json();

    // samples.json: qryInvHeader (Barcode, v0.5) for the same PX Mart receipt.
    expect(answer).toEqual({
      msg: '執行成功',
      code: '200',
      invNum: 'GL53778311',
      invoiceTime: '10:51:06',
      invStatus: '已確認',
      sellerName: '全聯實業股份有限公司屏東大連分公司',
      invPeriod: '11112',
      sellerAddress: '屏東縣屏東市大連路21號',
      sellerBan: '28414044',
      buyerBan: '',
      v: '0.5',
      currency: '',
      invDate: '20221202',
    });
  });

  test('a detail answer lists the items with string numbers, a discount row included', async () => {
    const answer = (
      await post(`${sim.url}${INV_APP}`, {
        ...HEADER_QUERY,
        version: '0.6',
        action: 'qryInvDetail',
        invNum: 'FB89333038',
        invDate: '2020/10/28',
        invTerm: '10910',
        randomNumber: '3038',
      })
    ).json();

    expect(answer).toMatchObject({ code: '200', invNum: 'FB89333038', amount: '35' });
    expect(answer.details).toEqual([
      { unitPrice: '35', amount: '70', quantity: '2', rowNum: '1', description: '舒味思萊姆口味氣泡水' },
      { unitPrice: '0', amount: '-35', quantity: '1', rowNum: '2', description: '會員促' },
    ]);
  });

  test.each([
    [{ appID: '' }, '998'],
    [{ UUID: '' }, '997'],
    [{ type: 'barcode' }, '904'],
    [{ action: 'qryWhatever' }, '904'],
    [{ invDate: '2022-12-02' }, '903'],
    [{ invNum: 'GL5377831' }, '903'],
    [{ invNum: 'ZZ00000000' }, '914'],
  ])('with %j the answer code is %s', async (change, code) => {
    const answer = (await post(`${sim.url}${INV_APP}`, { ...HEADER_QUERY, ...change })).json();

    expect(answer.code).toBe(code);
    expect(typeof answer.msg).toBe('string');
  });

  test('the carrier list answers a java.util.Date per invoice and pages', async () => {
    const answer = (
      await post(`${sim.url}${INV_SERV}`, {
        version: '0.6',
        action: 'carrierInvChk',
        cardType: '3J0002',
        cardNo: '/DEMO+01',
        cardEncrypt: '1234',
        timeStamp: '1700000000',
        expTimeStamp: '1700000060',
        startDate: '2024/01/01',
        endDate: '2024/12/31',
        onlyWinningInv: 'N',
        uuid: 'u-1',
        appID: 'EINV1',
      })
    ).json();

    expect(answer).toMatchObject({ code: '200', currentPage: '1', totalPage: '1' });
    const details = answer.details as Record<string, unknown>[];
    expect(details.map((row) => row.invNum)).toEqual(['UN74851420', 'FW22081207', 'BN61755155']);
    expect(details[0]).toMatchObject({
      cardType: '3J0002',
      amount: '495',
      invDate: { year: '124', month: '3', date: '19', timezoneOffset: '-480' },
    });
  });

  test('an invoice replaced without its carrier leaves the carrier list', async () => {
    const form = {
      version: '0.6',
      action: 'carrierInvChk',
      cardType: '3J0002',
      cardNo: '/DEMO+01',
      cardEncrypt: '1234',
      timeStamp: '1700000000',
      expTimeStamp: '1700000060',
      startDate: '2024/01/01',
      endDate: '2024/12/31',
      uuid: 'u-1',
      appID: 'EINV1',
    };
    const listed = async () =>
      ((await post(`${sim.url}${INV_SERV}`, form)).json().details as { invNum: string }[]).map(
        (row) => row.invNum,
      );
    const original = sim.state.invoice('UN74851420')!;

    sim.admin.addInvoices([{ ...original, carrierCardNo: undefined }]);

    expect(await listed()).toEqual(['FW22081207', 'BN61755155']);
  });

  test('requests are counted per action and per invoice, and the counts reset', async () => {
    await post(`${sim.url}${INV_APP}`, HEADER_QUERY);
    await post(`${sim.url}${INV_APP}`, HEADER_QUERY);

    const counted = await admin(sim, 'GET', '/requests');
    expect(counted.body.counts).toEqual({
      total: 2,
      injectedFailures: 0,
      byAction: { qryInvHeader: 2 },
      byInvoice: { GL53778311: { qryInvHeader: 2 } },
    });
    await admin(sim, 'DELETE', '/requests');
    expect((await admin(sim, 'GET', '/requests')).body.counts).toMatchObject({ total: 0 });
  });

  test('invoices added over the admin API answer, once uploaded on the sim clock', async () => {
    const added = await admin(sim, 'POST', '/invoices', {
      invoiceNumber: 'NW00000001',
      invoiceDate: '2026-01-01',
      invoiceTime: '09:00:00',
      randomCode: '1111',
      sellerBan: '24789457',
      sellerName: '新店',
      totalAmount: 10,
      uploadedAfterHours: 48,
    });
    const query = { ...HEADER_QUERY, invNum: 'NW00000001', invDate: '2026/01/01' };

    await admin(sim, 'POST', '/clock', { now: '2026-01-03T00:59:59Z' });
    const before = (await post(`${sim.url}${INV_APP}`, query)).json();
    const moved = await admin(sim, 'POST', '/clock', { advanceHours: 0.001 });
    const after = (await post(`${sim.url}${INV_APP}`, query)).json();

    expect(added.status).toBe(201);
    expect(before.code).toBe('914');
    expect(moved.body.now).toBe('2026-01-03T01:00:02.600Z');
    expect(after.code).toBe('200');
  });

  test('when the merchant voids an invoice over the admin API, then its header answer says 已作廢', async () => {
    const before = (await post(`${sim.url}${INV_APP}`, HEADER_QUERY)).json();
    const voided = await admin(sim, 'POST', '/invoices/GL53778311/void');
    const header = (await post(`${sim.url}${INV_APP}`, HEADER_QUERY)).json();
    const missing = await admin(sim, 'POST', '/invoices/ZZ99999999/void');

    expect(before.invStatus).toBe('已確認');
    expect(voided).toEqual({
      status: 200,
      body: { ok: true, invoiceNumber: 'GL53778311', status: 'voided' },
    });
    expect(header).toMatchObject({ code: '200', invNum: 'GL53778311', invStatus: '已作廢' });
    expect(missing.status).toBe(404);
    expect(sim.admin.voidInvoice('ZZ99999999')).toBe(false);
  });

  test('bad admin input is refused with a 400 that names the problem', async () => {
    const badInvoice = await admin(sim, 'POST', '/invoices', { invoiceNumber: 'nope' });
    const badKnobs = await admin(sim, 'POST', '/knobs', { errorRate: 2 });
    const badClock = await admin(sim, 'POST', '/clock', { now: 'tomorrow' });

    expect(badInvoice.status).toBe(400);
    expect(JSON.stringify(badInvoice.body)).toMatch(/invoiceNumber/);
    expect(badKnobs.status).toBe(400);
    expect(badClock.status).toBe(400);
  });

  test('the error rate is seeded: the same seed fails the same requests', async () => {
    async function failurePattern() {
      await admin(sim, 'POST', '/knobs', { errorRate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await post(`${sim.url}${INV_APP}`, HEADER_QUERY)).status);
      return statuses;
    }

    const first = await failurePattern();
    const second = await failurePattern();

    expect(first).toEqual(second);
    expect(first.filter((status) => status === 503).length).toBeGreaterThan(3);
    expect(first.filter((status) => status === 200).length).toBeGreaterThan(3);
  });

  test('latency delays the answer', async () => {
    sim.admin.setKnobs({ latencyMs: 120 });
    const started = performance.now();

    await post(`${sim.url}${INV_APP}`, HEADER_QUERY);

    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('sim/mof data sets', () => {
  test('the demo data set has Chinese item names, a voided invoice, a B2B invoice and a carrier', () => {
    const demo = loadDemoDataset();

    expect(
      demo.invoices.some((invoice) => invoice.items.some((item) => /[\u4e00-\u9fff]/.test(item.name))),
    ).toBe(true);
    expect(demo.invoices.some((invoice) => invoice.status === 'voided')).toBe(true);
    expect(demo.invoices.some((invoice) => invoice.buyerBan !== null)).toBe(true);
    expect(demo.carriers.length).toBeGreaterThan(0);
  });

  test('a file is loaded and validated, naming the bad field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mof-sim-'));
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    writeFileSync(good, JSON.stringify({ invoices: [] }));
    writeFileSync(
      bad,
      JSON.stringify({
        invoices: [
          {
            invoiceNumber: 'AB12345678',
            invoiceDate: '2024-02-30',
            randomCode: '1',
            sellerBan: '1',
            sellerName: 'x',
            totalAmount: 1,
          },
        ],
      }),
    );

    expect(loadSimDataset(good)).toEqual({ invoices: [], carriers: [] });
    expect(() => loadSimDataset(bad)).toThrow(SimDatasetError);
    expect(() => loadSimDataset(bad)).toThrow(/invoices\.0\.invoiceDate/);
    expect(() => loadSimDataset(join(dir, 'missing.json'))).toThrow(SimDatasetError);
  });
});
