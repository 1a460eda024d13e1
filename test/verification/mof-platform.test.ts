import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { overrideConfig, parseConfig } from '../../core/config/config.js';
import { createTestClock } from '../../core/shared/clock.js';
import { isAppError, type AppError } from '../../core/shared/errors.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { projectRoot } from '../../core/shared/paths.js';
import {
  buildEInvoicePlatform,
  createMofEInvoicePlatform,
  createTokenBucketRateLimiter,
  type MofEInvoicePlatform,
  type MofEInvoicePlatformOptions,
} from '../../core/verification/index.js';
import { startLocalSimulators } from '../../sim/index.js';
import { parseSimDataset, startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import {
  runEInvoicePlatformContract,
  type EInvoicePlatformContractSubject,
} from './einvoice-platform.contract.js';

const dataset = parseSimDataset(
  JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/mof/contract-dataset.json'), 'utf8')),
);
const VERSIONS = { header: '0.5', detail: '0.6', carrier: '0.6' };

const KNOWN = {
  invoiceNumber: 'AB11223344',
  invoiceDate: '2024-11-05',
  randomCode: '9999',
  period: '11312',
  sellerBan: '24789457',
  encrypt: 'ydXZt4LAN1UHN/j1juVcRA==',
};

/** Sleeps that only record: retries and the limiter never slow the tests down. */
function recordingSleep() {
  const calls: number[] = [];
  return { calls, sleep: async (ms: number) => void calls.push(ms) };
}

function adapter(sim: RunningMofSimulator, overrides: Partial<MofEInvoicePlatformOptions> = {}) {
  return createMofEInvoicePlatform({
    baseUrl: sim.url,
    appId: 'EINV0000000000001',
    versions: VERSIONS,
    timeoutMs: 2_000,
    maxRetries: 3,
    rateLimitPerSecond: 1_000,
    sleep: recordingSleep().sleep,
    ...overrides,
  });
}

async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

runEInvoicePlatformContract('MoF adapter against sim/mof over HTTP', async () => {
  const sim = await startMofSimulator({ dataset, knobs: { carrierPageSize: 2 } });
  return {
    platform: adapter(sim),
    known: { ...KNOWN, itemCount: 3, totalAmount: 340 },
    unknown: { invoiceNumber: 'ZZ99999999', invoiceDate: '2024-11-05', period: '11312' },
    carrier: {
      cardNo: '/TEST+01',
      cardEncrypt: '5678',
      dateFrom: '2024-11-01',
      dateTo: '2024-11-30',
      invoiceCount: 4,
      invoice: { invoiceNumber: 'CD00000003', invoiceDate: '2024-11-08', itemCount: 1 },
    },
    close: sim.close,
  };
});

// Opt-in: the same contract against the real platform, with MOF_APP_ID/MOF_API_KEY in the environment and
// MOF_CONTRACT_SUBJECT_FILE naming a JSON file with `known`, `unknown` and `carrier` as the contract
// describes them (real invoices the app may query; each run spends 2 of the known invoice's detail queries).
const realSubjectFile = process.env.MOF_CONTRACT_SUBJECT_FILE;
if (realSubjectFile)
  runEInvoicePlatformContract('MoF adapter against the real platform', async () => {
    const subject = JSON.parse(readFileSync(realSubjectFile, 'utf8')) as Omit<
      EInvoicePlatformContractSubject,
      'platform' | 'close'
    >;
    // Only MoF is real here; the rest is simulated on purpose, as the config demands outside local mode.
    const config = parseConfig({ SIMULATE: 'all', SESSION_SECRET: 'x'.repeat(32), ...process.env });
    return { ...subject, platform: buildEInvoicePlatform(config), close: async () => {} };
  });

describe('MoF adapter against sim/mof', () => {
  let sim: RunningMofSimulator;
  beforeAll(async () => {
    sim = await startMofSimulator({ dataset });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.admin.reset();
  });

  test('the detail query sends the form fields of the spec, unsigned, with the configured version', async () => {
    await adapter(sim, { uuid: 'install-1' }).getInvoiceDetail({ ...KNOWN, type: 'QRCode' });

    const [request] = sim.admin.recentRequests();
    expect(request?.path).toBe('/PB2CAPIVAN/invapp/InvApp');
    expect(request?.params).toEqual({
      version: '0.6',
      action: 'qryInvDetail',
      type: 'QRCode',
      invNum: 'AB11223344',
      invTerm: '11312',
      invDate: '2024/11/05',
      randomNumber: '9999',
      encrypt: KNOWN.encrypt,
      sellerID: '24789457',
      generation: 'V2',
      UUID: 'install-1',
      appID: 'EINV0000000000001',
    });
  });

  test('the carrier list sends the carrier fields with time stamps, unsigned', async () => {
    const clock = createTestClock({ now: '2024-12-01T00:00:00Z' });

    await adapter(sim, { clock, uuid: 'install-1' }).listCarrierInvoices({
      cardNo: '/TEST+01',
      cardEncrypt: '5678',
      dateFrom: '2024-11-01',
      dateTo: '2024-11-30',
    });

    const params = sim.admin.recentRequests()[0]?.params;
    expect(params).toMatchObject({
      version: '0.6',
      action: 'carrierInvChk',
      cardType: '3J0002',
      cardNo: '/TEST+01',
      cardEncrypt: '5678',
      startDate: '2024/11/01',
      endDate: '2024/11/30',
      onlyWinningInv: 'N',
      timeStamp: '1733011200',
      expTimeStamp: '1733011260',
      uuid: 'install-1',
      page: '1',
    });
    expect(params).not.toHaveProperty('signature');
  });

  test('a QR detail query with a verification field that does not match is random_code_mismatch', async () => {
    const result = await adapter(sim).getInvoiceDetail({
      ...KNOWN,
      encrypt: 'AAAAAAAAAAAAAAAAAAAAAA==',
      type: 'QRCode',
    });

    expect(result.status).toBe('random_code_mismatch');
  });

  test('a voided invoice is found with status voided; a B2B invoice has its buyer', async () => {
    const platform = adapter(sim);

    const voided = await platform.getInvoiceHeader({
      invoiceNumber: 'CD00000001',
      invoiceDate: '2024-11-06',
      type: 'Barcode',
    });
    const b2b = await platform.getInvoiceHeader({
      invoiceNumber: 'CD00000002',
      invoiceDate: '2024-11-07',
      type: 'Barcode',
    });

    expect(voided.status === 'found' && voided.invoice.status).toBe('voided');
    expect(b2b.status === 'found' && b2b.invoice.buyerBan).toBe('55880710');
  });

  test('the carrier list follows every page (page size 2, 4 invoices → 2 requests)', async () => {
    sim.admin.setKnobs({ carrierPageSize: 2 });
    const query = { cardNo: '/TEST+01', cardEncrypt: '5678', dateFrom: '2024-11-01', dateTo: '2024-12-31' };

    const all = await adapter(sim).listCarrierInvoices(query);
    const second = await adapter(sim).listCarrierInvoices({ ...query, page: 2 });

    expect(all.status === 'found' && all.invoices.map((invoice) => invoice.invoiceNumber)).toEqual([
      'CD00000001',
      'CD00000002',
      'CD00000003',
      'CD00000004',
      'CD00000005',
    ]);
    expect(all.status === 'found' && all.pages).toBe(3);
    expect(second.status === 'found' && second.invoices.map((invoice) => invoice.invoiceNumber)).toEqual([
      'CD00000003',
      'CD00000004',
    ]);
    expect(sim.admin.requestCounts().byAction.carrierInvChk).toBe(4);
  });

  test('not found is an answer: asked once, never retried', async () => {
    const result = await adapter(sim).getInvoiceDetail({
      ...KNOWN,
      invoiceNumber: 'ZZ99999999',
      type: 'Barcode',
    });

    expect(result).toEqual({ status: 'not_found', code: '914', message: '查無此發票詳細資料' });
    expect(sim.admin.requestCounts().total).toBe(1);
  });

  test('two 5xx then success: three requests reach the platform, with growing jittered back-off', async () => {
    sim.admin.setKnobs({ failNextRequests: 2 });
    const { calls, sleep } = recordingSleep();
    const rateLimiter = createTokenBucketRateLimiter({
      ratePerSecond: 1_000,
      clock: createTestClock(),
      sleep: async () => {},
    });
    const platform = adapter(sim, { sleep, random: () => 0.5, rateLimiter, retryBaseDelayMs: 200 });

    const result = await platform.getInvoiceDetail({ ...KNOWN, type: 'Barcode' });

    expect(result.status).toBe('found');
    expect(sim.admin.requestCounts()).toMatchObject({
      total: 3,
      injectedFailures: 2,
      byInvoice: { AB11223344: { qryInvDetail: 3 } },
    });
    // Equal jitter with random 0.5: 200 → 150 ms, 400 → 300 ms.
    expect(calls).toEqual([150, 300]);
    expect(rateLimiter.stats().acquired).toBe(3);
  });

  test('a 503 with Retry-After: the next attempt waits that long (capped by the maximum delay)', async () => {
    sim.admin.setKnobs({ failNextRequests: 2, retryAfterSeconds: 2 });
    const { calls, sleep } = recordingSleep();
    const rateLimiter = createTokenBucketRateLimiter({
      ratePerSecond: 1_000,
      clock: createTestClock(),
      sleep: async () => {},
    });

    const result = await adapter(sim, { sleep, rateLimiter, retryMaxDelayMs: 1_500 }).getInvoiceHeader({
      ...KNOWN,
      type: 'Barcode',
    });

    expect(result.status).toBe('found');
    expect(calls).toEqual([1_500, 1_500]);
  });

  test('5xx on every attempt: einvoice_platform.unavailable after 1 + maxRetries requests', async () => {
    sim.admin.setKnobs({ failNextRequests: 100 });

    const error = await appErrorOf(
      adapter(sim, { maxRetries: 2 }).getInvoiceHeader({ ...KNOWN, type: 'Barcode' }),
    );

    expect(error.code).toBe('einvoice_platform.unavailable');
    expect(error.details).toMatchObject({ action: 'qryInvHeader', attempts: 3, lastFailure: 'HTTP 503' });
    expect(sim.admin.requestCounts().total).toBe(3);
  });

  test('a platform slower than the time-out: einvoice_platform.unavailable after the retries', async () => {
    sim.admin.setKnobs({ latencyMs: 400 });

    const error = await appErrorOf(
      adapter(sim, { timeoutMs: 60, maxRetries: 1 }).getInvoiceHeader({ ...KNOWN, type: 'Barcode' }),
    );

    expect(error.code).toBe('einvoice_platform.unavailable');
    expect(error.details).toMatchObject({ attempts: 2, lastFailure: 'timed out after 60 ms' });
    expect(sim.admin.requestCounts().byAction.qryInvHeader).toBe(2);
  });

  test('an HTTP 4xx is our mistake: einvoice_platform.bad_request at once, no retry', async () => {
    const { calls, sleep } = recordingSleep();
    const platform = createMofEInvoicePlatform({
      baseUrl: `${sim.url}/wrong-prefix`,
      appId: 'EINV0000000000001',
      versions: VERSIONS,
      timeoutMs: 2_000,
      maxRetries: 3,
      rateLimitPerSecond: 1_000,
      sleep,
    });

    const error = await appErrorOf(platform.getInvoiceHeader({ ...KNOWN, type: 'Barcode' }));

    expect(error.code).toBe('einvoice_platform.bad_request');
    expect(error.details).toMatchObject({ status: 404 });
    expect(calls).toEqual([]);
  });

  test('the detail query cap per invoice: code 950 is einvoice_platform.query_limit_reached', async () => {
    sim.admin.setKnobs({ detailQueryCap: 2 });
    const platform = adapter(sim);
    await platform.getInvoiceDetail({ ...KNOWN, type: 'Barcode' });
    await platform.getInvoiceDetail({ ...KNOWN, type: 'Barcode' });

    const error = await appErrorOf(platform.getInvoiceDetail({ ...KNOWN, type: 'Barcode' }));

    expect(error.code).toBe('einvoice_platform.query_limit_reached');
  });

  test('an invoice uploaded 50 hours after issue is not found at 49 h and found at 50 h', async () => {
    sim.admin.addInvoices([
      {
        invoiceNumber: 'UP00000050',
        invoiceDate: '2024-11-05',
        invoiceTime: '20:00:00',
        randomCode: '5050',
        sellerBan: '24789457',
        sellerName: '晚上上傳的店',
        totalAmount: 50,
        uploadedAfterHours: 50,
        items: [{ name: '綠茶', quantity: 1, unitPrice: 50 }],
      },
    ]);
    const query = {
      invoiceNumber: 'UP00000050',
      invoiceDate: '2024-11-05',
      randomCode: '5050',
      period: '11312',
      type: 'Barcode' as const,
    };
    const platform = adapter(sim);

    sim.admin.setClock('2024-11-05T12:00:00Z'); // 20:00 Taipei
    sim.admin.advanceHours(49);
    const early = await platform.getInvoiceDetail(query);
    sim.admin.advanceHours(1);
    const onTime = await platform.getInvoiceDetail(query);

    expect(early.status).toBe('not_found');
    expect(onTime.status).toBe('found');
  });

  test('the rate limiter spaces every request of the instance, concurrent ones included', async () => {
    const clock = createTestClock({ now: '2024-12-01T00:00:00Z' });
    const limiterSleeps: number[] = [];
    const rateLimiter = createTokenBucketRateLimiter({
      ratePerSecond: 5,
      clock,
      sleep: async (ms) => void limiterSleeps.push(ms),
    });
    const platform = adapter(sim, { rateLimiter });

    const results = await Promise.all(
      Array.from({ length: 10 }, () => platform.getInvoiceHeader({ ...KNOWN, type: 'Barcode' })),
    );

    expect(results.every((result) => result.status === 'found')).toBe(true);
    const { waits, grantedAt } = rateLimiter.stats();
    expect(waits).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
    // 10 requests at 5 per second span at least (10 - 1) / 5 s.
    expect(grantedAt.at(-1)! - grantedAt[0]!).toBe(1800);
    expect(limiterSleeps).toEqual(waits.filter((wait) => wait > 0));
    expect(sim.admin.requestCounts().byAction.qryInvHeader).toBe(10);
  });

  test('the adapter refuses malformed queries before sending anything', async () => {
    const error = await appErrorOf(
      adapter(sim).getInvoiceDetail({ ...KNOWN, period: '11311', type: 'Barcode' }),
    );

    expect(error.code).toBe('einvoice_platform.invalid_query');
    expect(error.details).toEqual({ field: 'period' });
    expect(sim.admin.requestCounts().total).toBe(0);
  });

  test('the adapter validates its options when it is built', () => {
    expect(() =>
      createMofEInvoicePlatform({
        baseUrl: 'not a url',
        appId: '',
        versions: { header: 'x', detail: '0.6', carrier: '0.6' },
        timeoutMs: 0,
        maxRetries: -1,
        rateLimitPerSecond: 0,
      }),
    ).toThrow(/baseUrl.*appId.*versions.header.*timeoutMs.*maxRetries.*rateLimitPerSecond/);
  });
});

describe('buildEInvoicePlatform and local mode', () => {
  test('in simulator mode without a base URL it says how to get one', () => {
    expect(() => buildEInvoicePlatform(overrideConfig())).toThrow(/MOF_API_BASE_URL/);
  });

  test('every adapter built for the same platform account shares one rate limiter (one ceiling per process)', async () => {
    const sim = await startMofSimulator({ dataset });
    try {
      const config = overrideConfig({ mof: { apiBaseUrl: sim.url, rateLimitPerSecond: 50 } });
      const bot = buildEInvoicePlatform(config) as MofEInvoicePlatform;
      const batch = buildEInvoicePlatform(config, { clock: createTestClock() }) as MofEInvoicePlatform;
      const otherAccount = buildEInvoicePlatform(
        overrideConfig({
          mof: { apiBaseUrl: sim.url, rateLimitPerSecond: 50, appId: 'EINV-OTHER', apiKey: 'k' },
        }),
      ) as MofEInvoicePlatform;

      await Promise.all(
        [bot, batch, bot, batch].map((platform) => platform.getInvoiceHeader({ ...KNOWN, type: 'Barcode' })),
      );

      expect(batch.rateLimiter).toBe(bot.rateLimiter);
      expect(otherAccount.rateLimiter).not.toBe(bot.rateLimiter);
      // The four questions took their permits from the one limiter, 20 ms apart (50 per second) whichever
      // adapter asked; the other account's limiter gave none. Permit times, not wall time: load cannot bend them.
      const shared = bot.rateLimiter.stats();
      expect(shared.acquired).toBe(4);
      const gaps = shared.grantedAt.slice(1).map((at, index) => at - shared.grantedAt[index]!);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(20);
      expect(otherAccount.rateLimiter.stats().acquired).toBe(0);
    } finally {
      await sim.close();
    }
  });

  test('local mode starts the simulator with the demo data set and points the config at it', async () => {
    const simulators = await startLocalSimulators({ config: overrideConfig(), logger: createSilentLogger() });
    try {
      expect(simulators.config.mof.apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const platform = buildEInvoicePlatform(simulators.config);

      const result = await platform.getInvoiceDetail({
        invoiceNumber: 'GL53778311',
        invoiceDate: '2022-12-02',
        randomCode: '5923',
        period: '11112',
        type: 'Barcode',
      });

      expect(result.status === 'found' && result.invoice.items.map((item) => item.name)).toEqual([
        '克寧奶粉',
      ]);
    } finally {
      await simulators.close();
    }
  });

  test('a configured base URL means no local simulator is started', async () => {
    const config = overrideConfig({ mof: { apiBaseUrl: 'http://127.0.0.1:9' } });

    const simulators = await startLocalSimulators({ config, logger: createSilentLogger() });

    expect(simulators.describe.some((line) => line.includes('MoF'))).toBe(false);
    await simulators.close();
  });
});
