import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { ConfigError, parseConfig, renderEnvExample } from '../../core/config/config.js';
import { projectRoot } from '../../core/shared/paths.js';

function configErrorKeys(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.key);
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  test('when the environment is empty, then Proofline runs in local mode on PGlite with simulators', () => {
    const config = parseConfig({});

    expect(config.localMode).toBe(true);
    expect(config.database.url).toBeUndefined();
    expect(config.database.pgliteDataDir).toBe('./data/pglite');
    expect(config.server.port).toBe(3000);
    expect(config.line.mode).toBe('simulator');
    expect(config.mof.mode).toBe('simulator');
    expect(config.ocr.provider).toBe('tesseract');
    expect(config.demoSeed).toBe(true);
    expect(config.jobs.verifyInvoicesCron).toBe('0 */4 * * *');
  });

  test('when only LINE credentials are set, then LINE is real and MoF stays simulated', () => {
    const config = parseConfig({
      LINE_CHANNEL_ID: '1234567890',
      LINE_CHANNEL_SECRET: 'secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'token',
      SESSION_SECRET: 'x'.repeat(32),
    });

    expect(config.line.mode).toBe('real');
    expect(config.mof.mode).toBe('simulator');
    expect(config.localMode).toBe(false);
    expect(config.demoSeed).toBe(false);
  });

  test('when only MoF credentials are set, then MoF is real and LINE stays simulated', () => {
    const config = parseConfig({
      MOF_APP_ID: 'EINV0000',
      MOF_API_KEY: 'key',
      SESSION_SECRET: 'y'.repeat(40),
    });

    expect(config.mof.mode).toBe('real');
    expect(config.line.mode).toBe('simulator');
  });

  test.each([
    [{ DATABASE_URL: 'mysql://localhost/db' }, ['DATABASE_URL']],
    [{ DATABASE_URL: 'not a url' }, ['DATABASE_URL']],
    [{ PORT: 'eighty' }, ['PORT']],
    [{ PORT: '70000' }, ['PORT']],
    [{ LOG_LEVEL: 'loud' }, ['LOG_LEVEL']],
    [{ JOBS_ENABLED: 'maybe' }, ['JOBS_ENABLED']],
    [{ VERIFY_INVOICES_CRON: 'often' }, ['VERIFY_INVOICES_CRON']],
    [{ LINE_API_BASE_URL: 'api.line.me' }, ['LINE_API_BASE_URL']],
    [{ LINE_CHANNEL_SECRET: 's' }, ['LINE_CHANNEL_ACCESS_TOKEN']],
    [{ MOF_API_KEY: 'k', SESSION_SECRET: 'z'.repeat(32) }, ['MOF_APP_ID']],
    [{ LINE_CHANNEL_ID: '1', LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't' }, ['SESSION_SECRET']],
    [{ PORT: 'x', LOG_LEVEL: 'y' }, ['PORT', 'LOG_LEVEL']],
  ])('when the environment is %j, then the error names %j', (env, keys) => {
    expect(configErrorKeys(env)).toEqual(keys);
  });

  test('when variables unknown to Proofline are present, then they are ignored', () => {
    expect(() => parseConfig({ PATH: '/usr/bin', HOME: '/root', npm_config_foo: 'x' })).not.toThrow();
  });
});

describe('.env.example', () => {
  test('documents every variable of the config schema, as generated', () => {
    const committed = readFileSync(join(projectRoot, '.env.example'), 'utf8');

    expect(committed).toBe(renderEnvExample());
  });
});
