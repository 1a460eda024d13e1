import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { runConsoleCommand } from '../../bin/commands/console.command.js';
import type { Services } from '../../core/app/build-services.js';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../core/audit/index.js';
import {
  consoleSessions,
  findConsoleUserByEmail,
  listConsoleMemberships,
  signInConsoleUser,
} from '../../core/console/index.js';
import { createDatabase } from '../../core/db/database.js';
import { projectRoot } from '../../core/shared/paths.js';
import { systemClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { CLI_PATH, cliEnv, runCli } from '../support/cli.js';
import { copySeededDemoDir } from '../support/seeded-demo-dir.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const BRAND = {
  id: 'brd_tea',
  slug: 'tea',
  name: 'Tea',
  country: 'TW' as const,
  defaultLocale: 'zh-TW' as const,
  timezone: 'Asia/Taipei',
};

describe('proofline console add-user (in-process, on the test database)', () => {
  let services: TestServices;
  let errors: string[];
  let output: string[];
  const deps = () => ({ db: services.database.db, clock: services.clock, generateId: services.generateId });
  const run = (argv: string[], env: Record<string, string> = {}, readPassword?: () => Promise<string>) =>
    runConsoleCommand(argv, { env, services: services as Services, readPassword });

  beforeAll(async () => {
    services = await buildTestServices({ seed: { brands: [BRAND] } });
  });
  afterAll(async () => {
    await services?.database.close();
  });
  beforeEach(() => {
    errors = [];
    output = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => void output.push(String(line)));
    jest.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  test('when the password comes from CONSOLE_PASSWORD, then the user exists and can sign in to the brand', async () => {
    const code = await run(
      ['add-user', '--email', 'Mei@Tea.example', '--name', 'Mei', '--brand', 'tea', '--role', 'reviewer'],
      { CONSOLE_PASSWORD: 'oolong-2025' },
    );

    expect(code).toBe(0);
    expect(output.join('\n')).toContain('created user mei@tea.example');
    const signedIn = await signInConsoleUser(deps(), {
      email: 'mei@tea.example',
      password: 'oolong-2025',
      sessionHours: 12,
    });
    expect(signedIn.memberships).toEqual([
      expect.objectContaining({ brandId: 'brd_tea', brandSlug: 'tea', brandName: 'Tea', role: 'reviewer' }),
    ]);
  });

  test('when CONSOLE_PASSWORD is unset, then the password is read (stdin) and the brand may be its id', async () => {
    const code = await run(
      ['add-user', '--email', 'lin@tea.example', '--name', 'Lin', '--brand', 'brd_tea', '--role', 'owner'],
      {},
      async () => 'from-stdin-pass',
    );

    expect(code).toBe(0);
    await expect(
      signInConsoleUser(deps(), { email: 'lin@tea.example', password: 'from-stdin-pass', sessionHours: 12 }),
    ).resolves.toMatchObject({ user: { email: 'lin@tea.example' } });
  });

  test('when the email already has an account, then only the role changes and the password stays', async () => {
    const code = await run(
      ['add-user', '--email', 'MEI@tea.example', '--name', 'Mei', '--brand', 'tea', '--role', 'viewer'],
      { CONSOLE_PASSWORD: 'another-password' },
    );

    expect(code).toBe(0);
    expect(output.join('\n')).toContain('granted existing user');
    const signedIn = await signInConsoleUser(deps(), {
      email: 'mei@tea.example',
      password: 'oolong-2025',
      sessionHours: 12,
    });
    expect(await listConsoleMemberships(deps(), { userId: signedIn.user.id })).toMatchObject([
      { brandId: 'brd_tea', role: 'viewer' },
    ]);
  });

  test('when the same role is granted again, then the one audit row of the first grant stays alone', async () => {
    const argv = [
      'add-user',
      '--email',
      'kai@tea.example',
      '--name',
      'Kai',
      '--brand',
      'tea',
      '--role',
      'viewer',
    ];
    expect(await run(argv, { CONSOLE_PASSWORD: 'kai-password-1' })).toBe(0);
    expect(await run(argv, { CONSOLE_PASSWORD: 'kai-password-1' })).toBe(0);

    const user = await findConsoleUserByEmail(deps(), 'kai@tea.example');
    const rows = await services.database.db.select().from(auditLog).where(eq(auditLog.targetId, user!.id));
    expect(rows.map((row) => [row.action, row.actorType, (row.data as { via?: string }).via])).toEqual([
      ['team.member_added', 'operator', 'cli'],
    ]);
  });

  test('when a user is disabled, then their sessions end, sign-in is refused, and each of their brands logs it once', async () => {
    await signInConsoleUser(deps(), {
      email: 'lin@tea.example',
      password: 'from-stdin-pass',
      sessionHours: 12,
    });

    expect(await run(['disable-user', '--email', 'LIN@tea.example'])).toBe(0);
    expect(output.join('\n')).toMatch(/disabled lin@tea\.example .*[1-9] session\(s\) ended/);
    expect(await run(['disable-user', '--email', 'lin@tea.example'])).toBe(0);
    expect(output.join('\n')).toContain('was disabled already');
    expect(await run(['disable-user', '--email', 'nobody@tea.example'])).toBe(1);

    const user = await findConsoleUserByEmail(deps(), 'lin@tea.example');
    expect(
      await services.database.db.select().from(consoleSessions).where(eq(consoleSessions.userId, user!.id)),
    ).toEqual([]);
    await expect(
      signInConsoleUser(deps(), { email: 'lin@tea.example', password: 'from-stdin-pass', sessionHours: 12 }),
    ).rejects.toMatchObject({ code: 'console.user_disabled' });
    const rows = await services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'console.user_disabled'), eq(auditLog.targetId, user!.id)));
    expect(rows).toEqual([
      expect.objectContaining({
        brandId: 'brd_tea',
        actorType: 'operator',
        data: expect.objectContaining({ via: 'cli' }),
      }),
    ]);
  });

  test.each([
    [['add-user', '--email', 'x@tea.example', '--name', 'X', '--brand', 'tea'], 2, '--role required'],
    [['add-user', '--email', 'x@tea.example', '--name', 'X', '--brand', 'tea', '--role', 'boss'], 2, 'owner'],
    [
      ['add-user', '--email', 'x@tea.example', '--name', 'X', '--brand', 'nope', '--role', 'viewer'],
      1,
      'tea',
    ],
    [['add-user', '--email', 'x@tea.example', '--name', 'X', '--brand', 'tea', '--role', 'viewer'], 2, '8'],
    [['remove-user'], 2, 'Usage'],
  ])('when run with %j, then exit %i and a message', async (argv, expected, message) => {
    const code = await run(argv, { CONSOLE_PASSWORD: 'short' });

    expect(code).toBe(expected);
    expect(errors.join('\n')).toContain(message);
  });
});

describe('proofline console add-user (the real CLI, password on stdin)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'proofline-console-cli-'));
    // What `proofline seed-demo` leaves (seeded once per test run, copied here).
    env = { ...(await copySeededDemoDir(dir)), DEMO_SEED: 'false' };
  }, HANG_GUARD_MS);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(
    'when the password is piped, then the user can sign in; a --password flag is refused',
    async () => {
      const args = ['add-user', '--email', 'ops@demo.example', '--name', 'Ops', '--brand', 'demo-tea'];
      const child = spawn(process.execPath, [CLI_PATH, 'console', ...args, '--role', 'reviewer'], {
        cwd: projectRoot,
        env: cliEnv(env),
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stdin.end('piped-password\n');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      const withFlag = await runCli(['console', ...args, '--role', 'viewer', '--password', 'x'], env);

      expect(code).toBe(0);
      expect(stdout).toContain('created user ops@demo.example');
      expect(withFlag.code).toBe(2);
      const database = await createDatabase({ pgliteDataDir: env.PGLITE_DATA_DIR, poolMax: 1 });
      try {
        const signedIn = await signInConsoleUser(
          { db: database.db, clock: systemClock, generateId: createSequentialIdGenerator() },
          { email: 'ops@demo.example', password: 'piped-password', sessionHours: 12 },
        );
        expect(signedIn.memberships.map((m) => [m.brandSlug, m.role])).toEqual([['demo-tea', 'reviewer']]);
      } finally {
        await database.close();
      }
    },
    HANG_GUARD_MS,
  );
});
