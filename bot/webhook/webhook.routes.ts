import type { IncomingMessage, ServerResponse } from 'node:http';
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
import type { AppModule, FastRoute } from '../create-app.js';

const ACK_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': '2' };
const BODY_LIMIT_BYTES = 1024 * 1024;
/** `POST /webhook/<LINE channel id>`, nothing more (no query, no trailing slash): the fast path's URL. */
const FAST_URL = /^\/webhook\/([0-9A-Za-z_-]{1,64})$/;

/**
 * `POST /webhook/:channelId` (the LINE channel id): the signature is checked on the raw body before
 * anything parses it, every event is stored once in the inbox, and LINE gets its 200 at once. No other
 * work happens on this path; the worker answers.
 *
 * Hot path: the channel (its secret) comes from a short-lived cache (a rotated secret works at once, a
 * rotated-out one is refused within a few seconds), and concurrent deliveries share one INSERT and one
 * commit (group commit); every delivery still gets its 200 only after its events are committed.
 *
 * Served twice over the same code (`deliver`): as a fast route before express's middleware stack for a
 * plain delivery (a declared length within the limit, no content encoding, the bare URL) — what LINE
 * sends —, and as an express route for anything else (a chunked or compressed body, a query string),
 * which express.raw reads. Both write the same log line and answer errors the same way.
 */
export function createWebhookModule(
  services: Pick<Services, 'database' | 'generateId' | 'clock' | 'logger' | 'metrics' | 'workSignal'>,
  {
    // A worker in this process starts at once; others hear the events table's NOTIFY. PGlite delivers
    // that NOTIFY in this process before the insert resolves: announcing as well only woke the worker a
    // second time while it was claiming, for a claim that found nothing on the one connection.
    onStored = services.database.driver === 'pglite'
      ? undefined
      : () => services.workSignal?.announce('events'),
    channels,
    // PGlite has one connection, where a prepared statement stays; a pool's next query may take another.
    preparedInserts = services.database.driver === 'pglite',
  }: { onStored?: () => void; channels?: ChannelCache; preparedInserts?: boolean } = {},
): AppModule {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });
  const { db, driver, simpleQuery, namedQuery } = services.database;
  const channelCache = channels ?? createChannelCache({ db, generateId: services.generateId });
  const inbox = createWebhookInbox(
    { db, generateId: services.generateId, clock: services.clock, simpleQuery, namedQuery },
    // PGlite runs one statement at a time; PostgreSQL writes two batches side by side.
    { maxConcurrentWrites: driver === 'pglite' ? 1 : 2, preparedInserts },
  );

  /** Checks the delivery, stores its events, answers 200 once they are committed; throws otherwise. */
  const deliver = async (
    { lineChannelId, signature, body }: { lineChannelId: string; signature: unknown; body: Buffer },
    res: ServerResponse,
  ) => {
    const endTimer = services.metrics?.webhookAckSeconds.startTimer();
    let channel = await channelCache.get(lineChannelId);
    if (!channel) throw createWebhookUnknownChannelError();
    if (typeof signature !== 'string' || !signature) throw createWebhookBadSignatureError();
    if (!validateSignature(body, channel.channelSecret, signature)) {
      // The cached secret may be the one just rotated out: check once against the stored one.
      channel = await channelCache.refresh(lineChannelId);
      if (!channel) throw createWebhookUnknownChannelError();
      if (!validateSignature(body, channel.channelSecret, signature)) throw createWebhookBadSignatureError();
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
  };

  router.post('/webhook/:channelId', rawBody, async (req, res, next) => {
    try {
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      await deliver(
        { lineChannelId: String(req.params.channelId), signature: req.get('x-line-signature'), body },
        res,
      );
    } catch (error) {
      next(error);
    }
  });

  const fast: FastRoute = {
    match: (req) => {
      if (req.method !== 'POST') return undefined;
      const lineChannelId = FAST_URL.exec(req.url ?? '')?.[1];
      const length = Number(req.headers['content-length']);
      const encoding = req.headers['content-encoding'];
      if (!lineChannelId || !(length >= 0 && length <= BODY_LIMIT_BYTES)) return undefined;
      if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
      return async (request, res) =>
        deliver(
          { lineChannelId, signature: request.headers['x-line-signature'], body: await readBody(request) },
          res,
        );
    },
  };

  return { raw: router, fast };
}

/** The request's body, whole (its length is declared and within the limit: Node's parser holds it to it). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.once('error', reject);
    req.once('close', () => {
      if (!ended) reject(new Error('request aborted before its body was read'));
    });
  });
}
