import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import iconv from 'iconv-lite';
import { projectRoot } from '../../core/shared/paths.js';
import { HANG_GUARD_MS } from '../support/timing.js';

type CliRun = { code: number | null; stdout: string; stderr: string };

/** Runs the real CLI launcher in a child process, as a user would. */
function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/proofline.js', 'invoice', 'parse', ...args],
      {
        cwd: projectRoot,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        timeout: HANG_GUARD_MS,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const LEFT =
  'AB112233441020523999900000144000001540000000001234567ydXZt4LAN1UHN/j1juVcRA==:**********:3:3:1:乾電池:1:105:';
const RIGHT = '**口罩:1:210:牛奶:1:25';

const BIG5_DIR = mkdtempSync(join(tmpdir(), 'proofline-qr-'));
writeFileSync(
  join(BIG5_DIR, 'left.bin'),
  Buffer.concat([
    Buffer.from(`${LEFT.slice(0, 77)}:**********:1:1:0:`),
    iconv.encode('九二無鉛:5.20:23.30', 'big5'),
  ]),
);

// Each launch loads the CLI anew (a second or more on a busy machine): start them all at once.
const CASES = {
  qrPair: [RIGHT, LEFT],
  typed: ['ab-12345678', '113年11月5日', '1234'],
  missingCode: ['AB12345678 1131105'],
  notAProof: ['hello'],
  big5: ['--bytes', join(BIG5_DIR, 'left.bin')],
  noArgs: [],
} satisfies Record<string, string[]>;
const runs = {} as Record<keyof typeof CASES, CliRun>;

beforeAll(async () => {
  const entries = Object.entries(CASES) as [keyof typeof CASES, string[]][];
  const results = await Promise.all(entries.map(([, args]) => runCli(args)));
  entries.forEach(([name], index) => (runs[name] = results[index]!));
}, HANG_GUARD_MS);

describe('proofline invoice parse', () => {
  test('when given a left and a right QR (right first), then it prints the invoice JSON and exits 0', () => {
    const { code, stdout, stderr } = runs.qrPair;

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      invoiceNumber: 'AB11223344',
      invoiceDate: '2013-05-23',
      randomCode: '9999',
      period: '10206',
      salesAmount: 324,
      totalAmount: 340,
      buyerBan: null,
      sellerBan: '01234567',
      encrypt: 'ydXZt4LAN1UHN/j1juVcRA==',
      items: [
        { name: '乾電池', quantity: 1, unitPrice: 105 },
        { name: '口罩', quantity: 1, unitPrice: 210 },
        { name: '牛奶', quantity: 1, unitPrice: 25 },
      ],
      itemsComplete: true,
      source: 'qr',
    });
    expect(stderr).toContain('seller_ban.checksum');
  });

  test('when given unquoted typed text, then it prints the invoice and exits 0', () => {
    const { code, stdout } = runs.typed;

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      invoiceNumber: 'AB12345678',
      invoiceDate: '2024-11-05',
      randomCode: '1234',
      source: 'text',
    });
  });

  test('when the random code is missing, then it prints the errors and exits 1', () => {
    const { code, stdout, stderr } = runs.missingCode;

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ errors: [{ field: 'randomCode', reason: 'random_code.missing' }] });
    expect(stderr).toContain('random_code.missing');
  });

  test('when the text is not a proof, then it exits 1', () => {
    const { code, stdout } = runs.notAProof;

    expect(code).toBe(1);
    expect(JSON.parse(stdout).errors).toHaveLength(1);
  });

  test('when given raw Big5 bytes, then the item names decode by the payload flag', () => {
    const { code, stdout } = runs.big5;

    expect(code).toBe(0);
    expect(JSON.parse(stdout).items).toEqual([{ name: '九二無鉛', quantity: 5.2, unitPrice: 23.3 }]);
  });

  test('when given no argument, then it prints the usage and exits 2', () => {
    expect(runs.noArgs.code).toBe(2);
  });
});
