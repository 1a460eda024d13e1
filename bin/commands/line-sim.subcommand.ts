import { parseArgs } from 'node:util';
import { startLineSimulator } from '../../sim/line/index.js';
import type { SimSubcommand } from './sim.command.js';

/** `proofline sim line`: the LINE platform simulator on its own, with its chat page. */
export const lineSimSubcommand: SimSubcommand = {
  name: 'line',
  usage: 'line [--port N] [--channel ID:SECRET:TOKEN:WEBHOOK_URL]…',
  summary:
    'the LINE Messaging API + LINE Login verify, a signed webhook sender and the chat page (admin: /__sim/)',
  run: async (argv) => {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { port: { type: 'string', default: '0' }, channel: { type: 'string', multiple: true } },
      }));
    } catch (error) {
      console.error(`proofline sim line: ${(error as Error).message}`);
      return 2;
    }
    const port = Number(values.port);
    if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
      console.error('proofline sim line: --port must be 0-65535');
      return 2;
    }
    const channels = [];
    for (const spec of values.channel ?? []) {
      const [id, secret, token, ...url] = spec.split(':');
      if (!id || !secret || !token) {
        console.error(`proofline sim line: --channel ${spec}: expected ID:SECRET:TOKEN[:WEBHOOK_URL]`);
        return 2;
      }
      channels.push({ id, secret, token, webhookUrl: url.length > 0 ? url.join(':') : undefined });
    }
    let simulator;
    try {
      simulator = await startLineSimulator({ port });
    } catch (error) {
      console.error(`proofline sim line: ${(error as Error).message}`);
      return 1;
    }
    for (const channel of channels) {
      simulator.state.channels.set(channel.id, {
        lineChannelId: channel.id,
        channelSecret: channel.secret,
        channelAccessToken: channel.token,
        webhookUrl: channel.webhookUrl,
        defaultRichMenuId: undefined,
      });
    }
    console.log(
      [
        `LINE simulator: ${simulator.url}`,
        `  chat page: ${simulator.url}/dev/chat`,
        `  admin: ${simulator.url}/__sim/channels, /__sim/users, /__sim/messages, /__sim/faults, /__sim/id-tokens`,
        `  point Proofline at it: LINE_API_BASE_URL=${simulator.url} LINE_DATA_API_BASE_URL=${simulator.url}`,
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await simulator.close();
    return 0;
  },
};
