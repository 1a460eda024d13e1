import express, { Router } from 'express';
import { validateSignature } from '@line/bot-sdk';
import type { Services } from '../../core/app/build-services.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import {
  createWebhookBadSignatureError,
  createWebhookUnknownChannelError,
  receiveWebhookEvents,
} from '../../core/events/index.js';
import type { AppModule } from '../create-app.js';

/**
 * `POST /webhook/:channelId` (the LINE channel id): the signature is checked on the raw body before
 * anything parses it, every event is stored once in the inbox, and LINE gets its 200 at once. No other
 * work happens on this path; the worker answers.
 */
export function createWebhookModule(
  services: Pick<Services, 'database' | 'generateId' | 'clock' | 'logger'>,
  { onStored }: { onStored?: () => void } = {},
): AppModule {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: '1mb' });

  router.post('/webhook/:channelId', rawBody, async (req, res, next) => {
    try {
      const { db } = services.database;
      const channel = await createBrandsRepository({
        db,
        generateId: services.generateId,
      }).getChannelByLineChannelId(String(req.params.channelId));
      if (!channel) throw createWebhookUnknownChannelError();
      const signature = req.get('x-line-signature');
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!signature || !validateSignature(body, channel.channelSecret, signature))
        throw createWebhookBadSignatureError();
      const { stored } = await receiveWebhookEvents(
        { db, generateId: services.generateId, clock: services.clock },
        { channel, rawBody: body },
      );
      res.status(200).json({});
      if (stored > 0) onStored?.();
    } catch (error) {
      next(error);
    }
  });

  return { raw: router };
}
