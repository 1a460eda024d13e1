import { Router } from 'express';
import type { Services } from '../../core/app/build-services.js';
import { createBrandsRepository, type LineChannel } from '../../core/brands/index.js';
import { renderChatPage } from '../../sim/line/line-simulator.js';
import type { AppModule } from '../create-app.js';

/**
 * `/dev/chat` in local mode only: the chat page, talking to the LINE simulator. Before it is served the
 * simulator learns every channel in the database (secret, token, and this server's webhook URL), so
 * the messages it signs reach this bot and the bot's calls authenticate — as with the real LINE.
 */
export function createDevChatModule(
  services: Pick<Services, 'config' | 'database' | 'generateId' | 'logger'>,
): AppModule | undefined {
  const simUrl = services.config.line.apiBaseUrl;
  // Local mode only: with SIMULATE=line on a reachable server, anyone could act as any LINE user here.
  if (!services.config.localMode || services.config.line.mode !== 'simulator' || !simUrl) return undefined;

  const listChannels = async (): Promise<LineChannel[]> => {
    const repository = createBrandsRepository({ db: services.database.db, generateId: services.generateId });
    const brands = await repository.listBrands();
    return (await Promise.all(brands.map((brand) => repository.listChannels(brand.id)))).flat();
  };

  const syncChannels = async (webhookBaseUrl: string) => {
    const channels = await listChannels();
    for (const channel of channels) {
      const response = await fetch(`${simUrl}/__sim/channels/${encodeURIComponent(channel.lineChannelId)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          channelSecret: channel.channelSecret,
          channelAccessToken: channel.channelAccessToken,
          webhookUrl: `${webhookBaseUrl}/webhook/${encodeURIComponent(channel.lineChannelId)}`,
        }),
      });
      if (!response.ok)
        throw new Error(`LINE simulator refused channel ${channel.lineChannelId}: ${response.status}`);
    }
    return channels;
  };

  // At start, register the channels with the simulator so the worker's calls authenticate at once.
  const port = services.config.server.port;
  if (port !== 0) {
    void syncChannels(`http://127.0.0.1:${port}`).catch((error: unknown) => {
      services.logger.warn({ err: error }, 'could not register the LINE channels with the simulator');
    });
  }

  const router = Router();
  const originOf = (req: { protocol: string; get: (name: string) => string | undefined }) =>
    `${req.protocol}://${req.get('host') ?? `127.0.0.1:${port}`}`;

  router.get('/dev/chat', async (req, res, next) => {
    try {
      await syncChannels(originOf(req));
      res
        .type('html')
        .send(renderChatPage({ simUrl, bootstrapUrl: '/dev/chat/bootstrap', liffEndpoint: '/liff/' }));
    } catch (error) {
      next(error);
    }
  });

  router.post('/dev/chat/bootstrap', async (req, res, next) => {
    try {
      const channels = await syncChannels(originOf(req));
      res.json({
        channels: channels.map((channel) => ({ lineChannelId: channel.lineChannelId, name: channel.name })),
      });
    } catch (error) {
      next(error);
    }
  });

  return { json: router };
}
