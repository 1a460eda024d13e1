import express, { Router } from 'express';
import { validateSignature } from '@line/bot-sdk';
import type { Services } from '../../core/app/build-services.js';
import { createChannelCache, type ChannelCache } from '../../core/brands/index.js';
import {
  createWebhookBadSignatureError,
  createWebhookInbox,
  createWebhookUnknownChannelError,
} from '../../core/events/index.js';
import { currentRequestId } from '../../core/shared/request-context.js';
import type { AppModule } from '../create-app.js';

const ACK_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': '2' };

/**
 * `POST /webhook/:channelId` (the LINE channel id): the signature is checked on the raw body before
 * anything parses it, every event is stored once in the inbox, and LINE gets its 200 at once. No other
 * work happens on this path; the worker answers.
 *
 * Hot path: the channel (its secret) comes from a short-lived cache (a rotated secret works at once, a
 * rotated-out one is refused within a few seconds), and concurrent deliveries share one INSERT and one
 * commit (group commit); every delivery still gets its 200 only after its events are committed.
 */
export function createWebhookModule(
  services: Pick<Services, 'database' | 'generateId' | 'clock' | 'logger' | 'metrics' | 'workSignal'>,
  {
    // A worker in this process starts at once; others hear the events table's NOTIFY.
    onStored = () => services.workSignal?.announce('events'),
    channels,
  }: { onStored?: () => void; channels?: ChannelCache } = {},
): AppModule {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: '1mb' });
  const { db, driver, simpleQuery } = services.database;
  const channelCache = channels ?? createChannelCache({ db, generateId: services.generateId });
  const inbox = createWebhookInbox(
    { db, generateId: services.generateId, clock: services.clock, simpleQuery },
    // PGlite runs one statement at a time; PostgreSQL writes two batches side by side.
    { maxConcurrentWrites: driver === 'pglite' ? 1 : 2 },
  );

  router.post('/webhook/:channelId', rawBody, async (req, res, next) => {
    const endTimer = services.metrics?.webhookAckSeconds.startTimer();
    try {
      const lineChannelId = String(req.params.channelId);
      let channel = await channelCache.get(lineChannelId);
      if (!channel) throw createWebhookUnknownChannelError();
      const signature = req.get('x-line-signature');
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!signature) throw createWebhookBadSignatureError();
      if (!validateSignature(body, channel.channelSecret, signature)) {
        // The cached secret may be the one just rotated out: check once against the stored one.
        channel = await channelCache.refresh(lineChannelId);
        if (!channel) throw createWebhookUnknownChannelError();
        if (!validateSignature(body, channel.channelSecret, signature))
          throw createWebhookBadSignatureError();
      }
      const { received, stored } = await inbox.receive({
        channel,
        rawBody: body,
        requestId: currentRequestId(),
      });
      // What res.json({}) sends, without its work (stringify, ETag hash) on every delivery.
      res.writeHead(200, ACK_HEADERS).end('{}');
      endTimer?.();
      services.metrics?.webhookEventsReceived.inc({ outcome: 'stored' }, stored);
      services.metrics?.webhookEventsReceived.inc({ outcome: 'duplicate' }, received - stored);
      if (stored > 0) onStored?.();
    } catch (error) {
      next(error);
    }
  });

  return { raw: router };
}
