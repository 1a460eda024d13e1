import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli } from '../support/cli.js';

/**
 * An instance admin creates a brand from the CLI, gives it an owner, and the owner runs the rest from the
 * console (channels, LIFF, campaigns, team). Runs the real `proofline` on its own PGlite directory.
 */
describe('proofline brand', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'proofline-brand-cli-'));
    env = { PGLITE_DATA_DIR: join(dir, 'db') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('when bad flags are given, then each problem is named and nothing is opened (exit 2)', async () => {
    const result = await runCli(['brand', 'add', '--slug', 'Bad Slug', '--country', 'JP'], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--name is required');
    expect(result.stderr).toContain('--slug: lowercase letters');
    expect(result.stderr).toContain('--country: TW or TH');
  });

  test('when a Thai brand is added, then it takes Thailand’s zone and language, is listed, refuses a second add, and gets an owner', async () => {
    const added = await runCli(
      ['brand', 'add', '--slug', 'siam-tea', '--name', 'Siam Tea', '--country', 'TH'],
      env,
    );
    const again = await runCli(
      ['brand', 'add', '--slug', 'siam-tea', '--name', 'Again', '--country', 'TH'],
      env,
    );
    const listed = await runCli(['brand', 'list'], env);
    const owner = await runCli(
      [
        'console',
        'add-user',
        '--brand',
        'siam-tea',
        '--role',
        'owner',
        '--email',
        'owner@siam.example',
        '--name',
        'Owner',
      ],
      { ...env, CONSOLE_PASSWORD: 'siam-tea-owner-1' },
    );

    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toMatch(/created brand siam-tea \(\S+\): TH, Asia\/Bangkok, th/);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('a brand "siam-tea" exists already');
    expect(listed.stdout).toMatch(/^siam-tea\t\S+\tTH\tAsia\/Bangkok\tSiam Tea$/m);
    expect(owner.code).toBe(0);
    expect(owner.stdout).toContain('owner of siam-tea');
  });
});
