import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { brands, lineChannels } from '../../core/db/schema.js';
import { ensureEnvChannel } from '../../core/messaging/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';

describe('ensureEnvChannel (single-brand deployment by environment)', () => {
  let services: TestServices;

  beforeAll(async () => {
    services = await buildTestServices();
  });
  afterAll(async () => {
    await services.database.close();
  });

  test('when LINE_CHANNEL_* are set on an empty database, then a default brand and the channel are created', async () => {
    const result = await ensureEnvChannel({
      ...services,
      config: {
        ...services.config,
        line: {
          ...services.config.line,
          channelId: '1660000001',
          channelSecret: 'env-secret',
          channelAccessToken: 'env-token',
          liffId: '1660000001-liff',
          loginChannelId: '1660000009',
        },
      },
    });

    expect(result?.brand.slug).toBe('default');
    expect(result?.channel).toMatchObject({
      lineChannelId: '1660000001',
      managedByEnv: true,
      liffId: '1660000001-liff',
      loginChannelId: '1660000009',
    });
  });

  test('when the secret is rotated in the environment, then the same channel is updated at the next start', async () => {
    const config = {
      ...services.config,
      line: {
        ...services.config.line,
        channelId: '1660000001',
        channelSecret: 'rotated',
        channelAccessToken: 'env-token-2',
      },
    };

    await ensureEnvChannel({ ...services, config });

    const rows = await services.database.db.select().from(lineChannels);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channelSecret: 'rotated',
      channelAccessToken: 'env-token-2',
      liffId: '1660000001-liff',
    });
    expect(await services.database.db.select().from(brands)).toHaveLength(1);
  });

  test('when no LINE credentials are set, then nothing is created', async () => {
    expect(await ensureEnvChannel(services)).toBeUndefined();
  });
});
