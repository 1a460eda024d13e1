import { parseArgs } from 'node:util';
import { createBrandsRepository } from '../../core/brands/index.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

const USAGE =
  'channel add --brand SLUG --channel-id ID --secret S --token T [--name N] [--liff-id L] [--login-channel-id C] | channel list [--brand SLUG]';

export const channelCommand: Command = {
  name: 'channel',
  usage: 'channel add|list',
  summary: 'Add a LINE channel to a brand (or update its credentials), or list the channels.',
  help: [
    `  ${USAGE}`,
    '  A brand can have several channels; each gets its own webhook URL: /webhook/<channel id>.',
    '  Secrets and tokens are never printed in full.',
  ].join('\n'),
  run: async ([sub, ...argv]) => {
    if (sub !== 'add' && sub !== 'list') {
      console.error(`proofline channel: unknown subcommand "${sub ?? ''}" (add, list)`);
      return 2;
    }
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          brand: { type: 'string' },
          'channel-id': { type: 'string' },
          secret: { type: 'string' },
          token: { type: 'string' },
          name: { type: 'string' },
          'liff-id': { type: 'string' },
          'login-channel-id': { type: 'string' },
        },
      }));
    } catch (error) {
      console.error(`proofline channel: ${(error as Error).message}`);
      return 2;
    }
    if (sub === 'add') {
      const missing = (['brand', 'channel-id', 'secret', 'token'] as const).filter((key) => !values[key]);
      if (missing.length > 0) {
        console.error(`proofline channel add: ${missing.map((key) => `--${key}`).join(', ')} required`);
        return 2;
      }
      if (!/^\d{6,}$/.test(values['channel-id'] as string)) {
        console.error('proofline channel add: --channel-id must be the numeric LINE channel id');
        return 2;
      }
    }

    return withCliServices({ migrate: true }, async (services) => {
      const repository = createBrandsRepository({
        db: services.database.db,
        generateId: services.generateId,
      });
      const brand = values.brand ? await repository.getBrandBySlug(values.brand) : undefined;
      if (values.brand && !brand) {
        const slugs = (await repository.listBrands()).map((candidate) => candidate.slug);
        console.error(
          `proofline channel: no brand "${values.brand}" (brands: ${slugs.join(', ') || 'none'})`,
        );
        return 1;
      }
      if (sub === 'add') {
        const existing = await repository.getChannelByLineChannelId(values['channel-id'] as string);
        if (existing && existing.brandId !== brand?.id) {
          console.error(`proofline channel add: channel ${existing.lineChannelId} belongs to another brand`);
          return 1;
        }
        const channel = await repository.upsertChannel({
          brandId: (brand as { id: string }).id,
          lineChannelId: values['channel-id'] as string,
          name: values.name ?? existing?.name ?? `LINE ${values['channel-id']}`,
          channelSecret: values.secret as string,
          channelAccessToken: values.token as string,
          liffId: values['liff-id'] ?? existing?.liffId ?? null,
          loginChannelId: values['login-channel-id'] ?? existing?.loginChannelId ?? null,
          managedByEnv: false,
        });
        const base =
          services.config.server.publicBaseUrl ?? `http://localhost:${services.config.server.port}`;
        console.log(
          `${existing ? 'updated' : 'added'} channel ${channel.lineChannelId} (${channel.id}) for ${values.brand}`,
        );
        console.log(`webhook URL: ${base}/webhook/${channel.lineChannelId}`);
        return 0;
      }
      const brands = brand ? [brand] : await repository.listBrands();
      for (const listed of brands) {
        for (const channel of await repository.listChannels(listed.id)) {
          console.log(
            [
              listed.slug,
              channel.lineChannelId,
              channel.name,
              `secret ${mask(channel.channelSecret)}`,
              `token ${mask(channel.channelAccessToken)}`,
              channel.liffId ? `liff ${channel.liffId}` : 'no liff',
              channel.managedByEnv ? '(env)' : '',
            ]
              .filter(Boolean)
              .join('  '),
          );
        }
      }
      return 0;
    });
  },
};

function mask(value: string): string {
  return value.length <= 8 ? '••••' : `${value.slice(0, 4)}…${value.slice(-2)}`;
}
