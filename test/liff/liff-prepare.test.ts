import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { Services } from '../../core/app/build-services.js';
import { overrideConfig } from '../../core/config/config.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { prepareLiffApp } from '../../bot/liff/liff.module.js';

function servicesFor(localMode: boolean, lineMode: 'simulator' | 'real'): Services {
  const base = overrideConfig();
  return {
    config: { ...base, localMode, line: { ...base.line, mode: lineMode } },
    logger: createSilentLogger(),
  } as Services;
}

describe('the web process never builds the LIFF app outside local mode', () => {
  test('when the build is missing outside local mode, then the start stops and names the command', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'proofline-liff-'));

    await expect(prepareLiffApp(servicesFor(false, 'real'), { outDir })).rejects.toThrow(/npm run build/);
  });

  test('when the build is for the mock but the channel is real, then the start stops', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'proofline-liff-'));
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'index.html'), '<!doctype html>');
    writeFileSync(join(outDir, 'build-stamp.json'), JSON.stringify({ mock: true }));

    await expect(prepareLiffApp(servicesFor(false, 'real'), { outDir })).rejects.toThrow(/other mode/);
  });

  test('when a fresh build for this mode is there, then the start goes on without building', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'proofline-liff-'));
    writeFileSync(join(outDir, 'index.html'), '<!doctype html>');
    // Written after the sources, so it is not stale.
    writeFileSync(join(outDir, 'build-stamp.json'), JSON.stringify({ mock: false }));

    await expect(prepareLiffApp(servicesFor(false, 'real'), { outDir })).resolves.toBeUndefined();
  });
});
