import { randomUUID } from 'node:crypto';
import express, { type Express, type Request, type Response, type Router } from 'express';
import type { SimChannel, SimulatorState } from './line-simulator.state.js';

/**
 * Rich menus as LINE's Messaging API keeps them: create (validated as LINE does), list, upload the image
 * (PNG or JPEG, at most 1 MB, once), set and get the default for all users.
 */
export function addRichMenuRoutes(
  app: Express,
  api: Router,
  {
    state,
    authenticate,
  }: {
    state: SimulatorState;
    authenticate: (req: Request, res: Response) => SimChannel | undefined;
  },
): void {
  api.post('/v2/bot/richmenu', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const definition = req.body as {
      size?: { width?: number; height?: number };
      areas?: unknown[];
      name?: string;
      chatBarText?: string;
    };
    const details: { message: string; property: string }[] = [];
    const width = definition.size?.width;
    const height = definition.size?.height;
    if (!width || width < 800 || width > 2500)
      details.push({ message: 'must be between 800 and 2500', property: 'size.width' });
    if (!height || height < 250 || (width && width / height < 1.45))
      details.push({ message: 'aspect ratio must be at least 1.45', property: 'size.height' });
    if (!definition.name || definition.name.length > 300)
      details.push({ message: 'must be specified', property: 'name' });
    if (!definition.chatBarText || definition.chatBarText.length > 14)
      details.push({ message: 'length must be between 1 and 14', property: 'chatBarText' });
    if (!Array.isArray(definition.areas) || definition.areas.length === 0 || definition.areas.length > 20)
      details.push({ message: 'size must be between 1 and 20', property: 'areas' });
    if (details.length > 0) {
      res.status(400).json({ message: 'A rich menu object is invalid', details });
      return;
    }
    const richMenuId = `richmenu-${randomUUID().replace(/-/g, '')}`;
    state.richMenus.set(richMenuId, {
      richMenuId,
      channelId: channel.lineChannelId,
      definition: req.body as Record<string, unknown>,
      image: undefined,
    });
    res.json({ richMenuId });
  });

  api.get('/v2/bot/richmenu/list', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    res.json({
      richmenus: [...state.richMenus.values()]
        .filter((menu) => menu.channelId === channel.lineChannelId)
        .map((menu) => ({ richMenuId: menu.richMenuId, ...menu.definition })),
    });
  });

  app.post(
    '/v2/bot/richmenu/:richMenuId/content',
    express.raw({ type: () => true, limit: '2mb' }),
    (req, res) => {
      const channel = authenticate(req, res);
      if (!channel) return;
      const menu = state.richMenus.get(req.params.richMenuId as string);
      if (!menu || menu.channelId !== channel.lineChannelId) {
        res.status(404).json({ message: 'Not found' });
        return;
      }
      const contentType = (req.get('content-type') ?? '').split(';')[0] as string;
      if (contentType !== 'image/png' && contentType !== 'image/jpeg') {
        res.status(415).json({ message: 'Unsupported Media Type' });
        return;
      }
      if (menu.image) {
        res.status(400).json({ message: 'An image has already been uploaded to the richmenu' });
        return;
      }
      const bytes = req.body as Buffer;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
        res.status(400).json({ message: 'Image is empty' });
        return;
      }
      if (bytes.length > 1024 * 1024) {
        res.status(413).json({ message: 'Image size must be 1 MB or less' });
        return;
      }
      menu.image = { bytes, contentType };
      res.json({});
    },
  );

  api.post('/v2/bot/user/all/richmenu/:richMenuId', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const menu = state.richMenus.get(req.params.richMenuId as string);
    if (!menu || menu.channelId !== channel.lineChannelId) {
      res.status(404).json({ message: 'Not found' });
      return;
    }
    if (!menu.image) {
      res.status(400).json({ message: 'An image has not been uploaded to the richmenu' });
      return;
    }
    channel.defaultRichMenuId = menu.richMenuId;
    res.json({});
  });

  api.get('/v2/bot/user/all/richmenu', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    if (!channel.defaultRichMenuId) {
      res.status(404).json({ message: 'no default richmenu' });
      return;
    }
    res.json({ richMenuId: channel.defaultRichMenuId });
  });
}
