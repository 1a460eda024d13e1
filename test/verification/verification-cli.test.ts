import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { runInvoiceVerify } from '../../bin/commands/invoice-verify.js';
import { projectRoot } from '../../core/shared/paths.js';
import { createMofEInvoicePlatform } from '../../core/verification/index.js';
import { parseSimDataset, startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import { startCli } from '../support/cli.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const dataset = parseSimDataset(
  JSON.parse(readFileSync(join(projectRoot, 'test/fixtures/mof/contract-dataset.json'), 'utf8')),
);

// The left QR of AB11223344 as the contract data set knows it (date 2024-11-05 = ROC 1131105).
const LEFT_QR =
  'AB112233441131105999900000144000001540000000024789457ydXZt4LAN1UHN/j1juVcRA==:**********:3:3:1:烏龍綠茶:2:105:';
const RIGHT_QR = '**珍珠奶茶:1:155:會員折扣:1:0';

type VerifyJson = {
  ok?: boolean;
  errors: unknown[];
  query: { action: string; type: string };
  result: { status: string; code?: string; invoice: { items: { name: string }[] }; invoices: unknown[] };
};

describe('proofline invoice verify', () => {
  let sim: RunningMofSimulator;
  let output: string[];
  let errors: string[];
  beforeAll(async () => {
    sim = await startMofSimulator({ dataset });
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
    sim.admin.reset();
  });

  async function verify(argv: string[]) {
    output = [];
    errors = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => void output.push(String(line)));
    jest.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    const code = await runInvoiceVerify(argv, {
      env: { MOF_API_BASE_URL: sim.url, LOG_LEVEL: 'silent', PGLITE_DATA_DIR: 'memory://' },
    });
    return {
      code,
      json: output.length > 0 ? (JSON.parse(output.join('\n')) as VerifyJson) : undefined,
    };
  }

  test('both QR codes: a QRCode detail query, found, exit 0', async () => {
    const { code, json } = await verify([LEFT_QR, RIGHT_QR]);

    expect(code).toBe(0);
    expect(json?.query).toEqual({ action: 'qryInvDetail', type: 'QRCode' });
    expect(json?.result.status).toBe('found');
    expect(json?.result.invoice.items.map((item: { name: string }) => item.name)).toEqual([
      '烏龍綠茶',
      '珍珠奶茶',
      '會員折扣',
    ]);
    expect(sim.admin.recentRequests()[0]?.params).toMatchObject({ encrypt: 'ydXZt4LAN1UHN/j1juVcRA==' });
  });

  test('typed text with a wrong random code: random_code_mismatch, exit 1', async () => {
    const { code, json } = await verify(['AB-11223344', '113/11/05', '1234']);

    expect(code).toBe(1);
    expect(json?.query.type).toBe('Barcode');
    expect(json?.result.status).toBe('random_code_mismatch');
  });

  test('--header asks the header query only', async () => {
    const { code, json } = await verify(['AB11223344 1131105 9999', '--header']);

    expect(code).toBe(0);
    expect(json?.query.action).toBe('qryInvHeader');
    expect(sim.admin.requestCounts().byAction).toEqual({ qryInvHeader: 1 });
  });

  test('an invoice the platform does not have: not_found, exit 1', async () => {
    const { code, json } = await verify(['ZZ12345678 1131105 9999']);

    expect(code).toBe(1);
    expect(json?.result).toMatchObject({ status: 'not_found', code: '914' });
  });

  test('unparsable input prints the parse errors and exits 1 without asking the platform', async () => {
    const { code, json } = await verify(['AB12345678']);

    expect(code).toBe(1);
    expect(json?.ok).toBe(false);
    expect(json?.errors.length).toBeGreaterThan(0);
    expect(sim.admin.requestCounts().total).toBe(0);
  });

  test(
    'a platform that keeps failing: the AppError code on stderr, exit 1',
    async () => {
      sim.admin.setKnobs({ failNextRequests: 100 });

      const { code } = await verify(['AB11223344 1131105 9999']);

      expect(code).toBe(1);
      expect(errors.join('\n')).toMatch(/einvoice_platform\.unavailable/);
    },
    HANG_GUARD_MS,
  );

  test('a mobile barcode carrier lists its invoices', async () => {
    const { code, json } = await verify(['/TEST+01', '5678', '2024-11-01', '2024-11-30']);

    expect(code).toBe(0);
    expect(json?.result.invoices).toHaveLength(4);
  });

  test('usage errors exit 2', async () => {
    expect((await verify([])).code).toBe(2);
    expect((await verify(['AB11223344 1131105 9999', '--type', 'laser'])).code).toBe(2);
  });
});

describe('proofline sim mof', () => {
  test(
    'serves the API from a data file until Ctrl-C',
    async () => {
      const cli = startCli([
        'sim',
        'mof',
        '--data',
        join(projectRoot, 'test/fixtures/mof/contract-dataset.json'),
      ]);
      try {
        const [, url] = await cli.waitFor(/MoF e-invoice simulator: (http:\/\/127\.0\.0\.1:\d+)/);
        const platform = createMofEInvoicePlatform({
          baseUrl: url!,
          appId: 'EINV1',
          versions: { header: '0.5', detail: '0.6', carrier: '0.6' },
          timeoutMs: HANG_GUARD_MS,
          maxRetries: 0,
          rateLimitPerSecond: 100,
        });

        const result = await platform.getInvoiceHeader({
          invoiceNumber: 'CD00000002',
          invoiceDate: '2024-11-07',
          type: 'Barcode',
        });

        expect(result.status === 'found' && result.invoice.buyerBan).toBe('55880710');
        expect(cli.output()).toMatch(/invoices: 6, carriers: 1/);
      } finally {
        cli.child.kill('SIGINT');
      }
      expect(await cli.exited).toBe(0);
    },
    HANG_GUARD_MS,
  );

  test(
    'a bad data file is refused with the field named',
    async () => {
      const cli = startCli(['sim', 'mof', '--data', join(projectRoot, 'package.json')]);
      const guard = setTimeout(() => cli.child.kill('SIGKILL'), HANG_GUARD_MS);

      const code = await cli.exited;
      clearTimeout(guard);

      expect(code).toBe(1);
      expect(cli.output()).toMatch(/--data .*package\.json: .*name/);
    },
    HANG_GUARD_MS,
  );
});
