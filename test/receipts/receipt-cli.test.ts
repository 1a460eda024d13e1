import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { projectRoot } from '../../core/shared/paths.js';
import { runCli } from '../support/cli.js';

const fixture = (name: string) => join(projectRoot, 'test', 'fixtures', 'receipts', name);

describe('proofline receipt read', () => {
  test('when the photo holds an e-invoice QR pair, then it prints the invoice as JSON and exits 0', async () => {
    const result = await runCli(['receipt', 'read', fixture('tw-einvoice-13-shear.jpg')]);

    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.kind).toBe('einvoice');
    expect(output.fields).toMatchObject({
      invoiceNumber: 'TV35971475',
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(typeof output.fields.totalAmount).toBe('number');
    expect(output.qr.left).toMatch(/^TV35971475/);
    expect(output.confidence.overall).toBe(1);
    expect(output.timings.totalMs).toBeGreaterThan(0);
  });

  test('when the photo has nothing to read, then kind is unreadable and the exit code is 1', async () => {
    const result = await runCli(['receipt', 'read', fixture('blank.png'), '--lang', 'eng']);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).kind).toBe('unreadable');
  });

  test('when the file is not an image, then one JSON error line and exit 1', async () => {
    const result = await runCli(['receipt', 'read', join(projectRoot, 'package.json')]);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!)).toMatchObject({
      error: { code: 'receipt.not_an_image' },
    });
  });

  test('when --as-of names the day the photo was sent, then the receipt is read as it was then', async () => {
    const result = await runCli([
      'receipt',
      'read',
      fixture('sroie-005.jpg'),
      '--lang',
      'eng',
      '--as-of',
      '2019-01-15',
    ]);

    expect(JSON.parse(result.stdout).fields.date).toBe('2019-01-09');
  });

  test('when the arguments are wrong, then usage and exit 2', async () => {
    expect((await runCli(['receipt', 'read'])).code).toBe(2);
    expect((await runCli(['receipt', 'read', fixture('blank.png'), '--as-of', '2019-02-30'])).code).toBe(2);
    expect((await runCli(['receipt', 'read', fixture('blank.png'), '--lang', 'fra'])).code).toBe(2);
  });
});
