import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import {
  beginPreparing,
  finishPreparing,
  pgliteDataDirState,
  PREPARING_MARKER,
} from '../../bin/commands/first-start.js';
import type { Config } from '../../core/config/config.js';
import { DATA_DIR_LOCK_FILE } from '../../core/db/data-dir-lock.js';

const root = mkdtempSync(join(tmpdir(), 'proofline-first-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let made = 0;
const newDir = () => join(root, `db-${++made}`);
const configFor = (pgliteDataDir: string, url?: string) =>
  ({ database: { pgliteDataDir, url } }) as unknown as Config;

describe('the first start of a PGlite data dir', () => {
  test('when the directory is missing, holds a database, or is not PGlite at all, then the state says so', () => {
    const prepared = newDir();
    mkdirSync(prepared);
    writeFileSync(join(prepared, 'PG_VERSION'), '17\n');

    expect(pgliteDataDirState(configFor(join(root, 'none')))).toEqual({
      kind: 'new',
      dir: join(root, 'none'),
    });
    expect(pgliteDataDirState(configFor(prepared))).toEqual({ kind: 'ready' });
    expect(pgliteDataDirState(configFor('memory://'))).toEqual({ kind: 'ready' });
    expect(pgliteDataDirState(configFor(join(root, 'none'), 'postgres://db/x'))).toEqual({ kind: 'ready' });
  });

  test('when a preparation began and never finished, then the next start finds it interrupted, clears it and marks it again', () => {
    const dir = newDir();
    beginPreparing({ kind: 'new', dir });
    // What an interrupted initdb and seed leave behind.
    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    mkdirSync(join(dir, 'base', '5'), { recursive: true });
    writeFileSync(join(dir, 'base', '5', '1259'), 'half a catalog');

    const state = pgliteDataDirState(configFor(dir));
    expect(state).toEqual({ kind: 'interrupted', dir });
    beginPreparing(state as Exclude<typeof state, { kind: 'ready' }>);

    expect(readdirSync(dir)).toEqual([PREPARING_MARKER]);
    finishPreparing(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('when the finished preparation is marked done, then the directory is ready and never cleared', () => {
    const dir = newDir();
    beginPreparing({ kind: 'new', dir });
    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    finishPreparing(dir);

    expect(pgliteDataDirState(configFor(dir))).toEqual({ kind: 'ready' });
  });

  test('when another live process holds the interrupted directory, then it is refused and nothing is removed', () => {
    const dir = newDir();
    beginPreparing({ kind: 'new', dir });
    writeFileSync(join(dir, 'PG_VERSION'), '17\n');
    // This process's own pid counts as a live holder.
    writeFileSync(join(dir, DATA_DIR_LOCK_FILE), String(process.pid));

    expect(() => beginPreparing({ kind: 'interrupted', dir })).toThrow(/is in use by process/);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dir, PREPARING_MARKER))).toBe(true);
  });
});
