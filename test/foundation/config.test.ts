import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { ConfigError, parseConfig, renderEnvExample, simulationWarning } from '../../core/config/config.js';
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
    expect(config.ocr.provider).toBe('paddle');
    expect(config.simulated).toEqual(['line', 'mof', 'membership', 'ocr', 's3']);
    expect(simulationWarning(config)).toBeUndefined();
    expect(config.demoSeed).toBe(true);
    expect(config.jobs.verifyInvoicesCron).toBe('0 */4 * * *');
  });

  test('when only LINE credentials are set, then the config refuses: MoF and the others are neither real nor asked to be simulated', () => {
    const env = {
      LINE_CHANNEL_ID: '1234567890',
      LINE_CHANNEL_SECRET: 'secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'token',
      SESSION_SECRET: 'x'.repeat(32),
    };

    expect(configErrorKeys(env)).toEqual(['SIMULATE']);
    expect(() => parseConfig(env)).toThrow(
      /MOF_APP_ID, MOF_API_KEY; MEMBERSHIP_API_BASE_URL; OCR_PROVIDER .*; BLOB_STORE .* — or SIMULATE=mof,membership,ocr,s3/,
    );
  });

  test('when LINE is real and SIMULATE names the rest, then only those are simulated and it is not local mode', () => {
    const config = parseConfig({
      LINE_CHANNEL_ID: '1234567890',
      LINE_CHANNEL_SECRET: 'secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'token',
      SESSION_SECRET: 'x'.repeat(32),
      SIMULATE: 'mof, membership,ocr,s3',
    });

    expect(config.localMode).toBe(false);
    expect(config.line.mode).toBe('real');
    expect(config.mof.mode).toBe('simulator');
    expect(config.membership.mode).toBe('simulator');
    expect(config.simulated).toEqual(['mof', 'membership', 'ocr', 's3']);
    expect(config.demoSeed).toBe(false);
    expect(config.server.host).toBe('0.0.0.0');
    expect(simulationWarning(config)).toMatch(/SIMULATED, NOT REAL: MoF e-invoice platform/);
  });

  test('when only MoF credentials are set with SIMULATE=all, then MoF is real and every other system is simulated', () => {
    const config = parseConfig({
      MOF_APP_ID: 'EINV0000',
      MOF_API_KEY: 'key',
      SESSION_SECRET: 'y'.repeat(40),
      SIMULATE: 'all',
    });

    expect(config.mof.mode).toBe('real');
    expect(config.line.mode).toBe('simulator');
    expect(config.simulated).toEqual(['line', 'membership', 'ocr', 's3']);
  });

  test('when every system is configured for real, then nothing is simulated and no SIMULATE is needed', () => {
    const config = parseConfig({
      LINE_CHANNEL_ID: '1234567890',
      LINE_CHANNEL_SECRET: 'secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'token',
      MOF_APP_ID: 'EINV0000',
      MOF_API_KEY: 'key',
      MEMBERSHIP_API_BASE_URL: 'https://members.brand.example',
      OCR_PROVIDER: 'tesseract',
      BLOB_STORE: 'local',
      SESSION_SECRET: 'x'.repeat(32),
    });

    expect(config.simulated).toEqual([]);
    expect(simulationWarning(config)).toBeUndefined();
  });

  test('when SIMULATE is set without any credentials, then it is a deployment (not local mode) that simulates all', () => {
    const config = parseConfig({ SIMULATE: 'all', SESSION_SECRET: 'z'.repeat(32) });

    expect(config.localMode).toBe(false);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.simulated).toEqual(['line', 'mof', 'membership', 'ocr', 's3']);
  });

  test('when in local mode, then the server listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(parseConfig({}).server.host).toBe('127.0.0.1');
    expect(parseConfig({ HOST: '0.0.0.0' }).server.host).toBe('0.0.0.0');
    // OCR_PROVIDER=tesseract and BLOB_STORE=local are local choices, not outside credentials.
    expect(parseConfig({ OCR_PROVIDER: 'tesseract', BLOB_STORE: 'local' }).localMode).toBe(true);
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
    [
      { LINE_CHANNEL_SECRET: 's', SIMULATE: 'all', SESSION_SECRET: 'z'.repeat(32) },
      ['LINE_CHANNEL_ACCESS_TOKEN'],
    ],
    [{ MOF_API_KEY: 'k', SESSION_SECRET: 'z'.repeat(32), SIMULATE: 'all' }, ['MOF_APP_ID']],
    [
      { LINE_CHANNEL_ID: '1', LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't', SIMULATE: 'all' },
      ['SESSION_SECRET'],
    ],
    [{ SIMULATE: 'mof,payments', SESSION_SECRET: 'z'.repeat(32) }, ['SIMULATE']],
    [
      {
        LINE_CHANNEL_ID: '1',
        LINE_CHANNEL_SECRET: 's',
        LINE_CHANNEL_ACCESS_TOKEN: 't',
        SIMULATE: 'all,line',
      },
      ['SESSION_SECRET', 'SIMULATE'],
    ],
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
