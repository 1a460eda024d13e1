import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBrandsRepository, type LineChannel } from '../../core/brands/index.js';
import { setupDefaultRichMenu, type RichMenuDefinition } from '../../core/messaging/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { buildLineMessenger } from '../../jobs/line-wiring.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

export const RICH_MENU_DEFINITION = join(projectRoot, 'bot', 'richmenu', 'richmenu.json');
export const RICH_MENU_IMAGE = join(projectRoot, 'bot', 'richmenu', 'richmenu.png');

export const lineCommand: Command = {
  name: 'line',
  usage: 'line setup-richmenu [--channel ID]',
  summary: 'LINE channel set-up: create and set the default rich menu (submit, points, rewards, help).',
  help: [
    '  setup-richmenu   create the rich menu from bot/richmenu/richmenu.json + richmenu.png and make it',
    '                   the default, for --channel (a LINE channel id) or every channel in the database',
    '  --definition F   another rich menu definition (JSON; {{liffUrl}} is filled with the channel LIFF URL)',
    '  --image F        another image (PNG or JPEG, 2500×843 or as the definition says, ≤ 1 MB)',
    'LINE_API_BASE_URL / LINE_DATA_API_BASE_URL point it at the simulator or a proxy.',
  ].join('\n'),
  run: async ([sub, ...argv]) => {
    if (sub !== 'setup-richmenu') {
      console.error(`proofline line: unknown subcommand "${sub ?? ''}" (setup-richmenu)`);
      return 2;
    }
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { channel: { type: 'string' }, definition: { type: 'string' }, image: { type: 'string' } },
      }));
    } catch (error) {
      console.error(`proofline line: ${(error as Error).message}`);
      return 2;
    }
    let definition: RichMenuDefinition;
    let image: Buffer;
    const imagePath = values.image ?? RICH_MENU_IMAGE;
    try {
      definition = JSON.parse(
        readFileSync(values.definition ?? RICH_MENU_DEFINITION, 'utf8'),
      ) as RichMenuDefinition;
      image = readFileSync(imagePath);
    } catch (error) {
      console.error(`proofline line: ${(error as Error).message}`);
      return 1;
    }
    const contentType = /\.jpe?g$/i.test(imagePath) ? 'image/jpeg' : 'image/png';

    return withCliServices({ migrate: true }, async (services) => {
      const repository = createBrandsRepository({
        db: services.database.db,
        generateId: services.generateId,
      });
      let channels: LineChannel[];
      if (values.channel) {
        const channel = await repository.getChannelByLineChannelId(values.channel);
        if (!channel) {
          console.error(
            `proofline line: --channel ${values.channel} is not a known channel (proofline channel list)`,
          );
          return 1;
        }
        channels = [channel];
      } else {
        const brands = await repository.listBrands();
        channels = (await Promise.all(brands.map((brand) => repository.listChannels(brand.id)))).flat();
      }
      if (channels.length === 0) {
        console.error(
          'proofline line: no LINE channel configured (set LINE_CHANNEL_* or run proofline channel add)',
        );
        return 1;
      }
      const messenger = buildLineMessenger(services.config);
      let failed = 0;
      for (const channel of channels) {
        try {
          const { richMenuId } = await setupDefaultRichMenu({
            messenger,
            channel,
            definition,
            image,
            contentType,
          });
          console.log(`channel ${channel.lineChannelId}: default rich menu ${richMenuId}`);
        } catch (error) {
          failed++;
          console.error(`channel ${channel.lineChannelId}: ${(error as Error).message}`);
        }
      }
      return failed > 0 ? 1 : 0;
    });
  },
};
