import { Router, type Response } from 'express';
import type { Services } from '../../core/app/build-services.js';
import {
  cancelBroadcast,
  createBroadcast,
  createBroadcastBodySchema,
  createBroadcastLinkNotFoundError,
  followTrackedLink,
  getBroadcastDefaults,
  getBroadcastQuota,
  getBroadcastReport,
  listBroadcasts,
  sendTestBroadcast,
  startBroadcast,
  testSendBodySchema,
  trackedLinkBaseUrlOf,
} from '../../core/broadcasts/index.js';
import {
  getConsoleLineLink,
  startConsoleLineLink,
  startLineLinkBodySchema,
  unlinkConsoleLine,
  verifyConsoleLineLink,
  verifyLineLinkBodySchema,
} from '../../core/console-line/index.js';
import { buildLineMessenger, type LineMessenger } from '../../core/messaging/index.js';
import { buildConsoleGuard, consoleActorOf } from '../console/index.js';
import { parseConsoleInput } from '../console/console.parse.js';
import type { AppModule } from '../create-app.js';

/**
 * Broadcasts in the console: create (a draft with its estimate), send (waits for a send time or the
 * end of quiet hours; checks the quota; freezes the recipients), cancel, and the report. The worker
 * process delivers the chunks.
 */
export function createBroadcastsModule(
  services: Services,
  {
    messenger = buildLineMessenger(services.config),
  }: { messenger?: Pick<LineMessenger, 'getMessageQuota' | 'push'> } = {},
): AppModule {
  const guard = buildConsoleGuard(services);
  const deps = {
    db: services.database.db,
    clock: services.clock,
    generateId: services.generateId,
    messenger,
    trackedLinkBaseUrl: trackedLinkBaseUrlOf(services.config),
  };
  const router = Router();
  const auditActorOf = (res: Response) => {
    const { brandId, userId, email } = consoleActorOf(res);
    return { brandId, userId, email };
  };

  // A tracked link in a broadcast, opened by the member it was sent to: counted, then redirected.
  router.get('/r/:token', async (req, res) => {
    const token = String(req.params.token);
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(token)) throw createBroadcastLinkNotFoundError();
    const { url } = await followTrackedLink(deps, { token });
    res.set('cache-control', 'no-store');
    res.redirect(302, url);
  });

  router.get('/api/console/broadcasts', guard.require('broadcasts.read'), async (_req, res) => {
    res.json({ broadcasts: await listBroadcasts(deps, { brandId: consoleActorOf(res).brandId }) });
  });

  // What is left of this month's LINE message quota, shown before sending (the send checks again).
  router.get('/api/console/broadcasts/quota', guard.require('broadcasts.read'), async (_req, res) => {
    res.json(await getBroadcastQuota(deps, { brandId: consoleActorOf(res).brandId }));
  });

  // What the composer starts from: the brand's quiet hours and what a send does if they begin mid-send.
  router.get('/api/console/broadcasts/defaults', guard.require('broadcasts.send'), async (_req, res) => {
    res.json(await getBroadcastDefaults(deps.db, consoleActorOf(res).brandId));
  });

  router.post('/api/console/broadcasts', guard.require('broadcasts.send'), async (req, res) => {
    const input = parseConsoleInput(createBroadcastBodySchema, req.body);
    const actor = consoleActorOf(res);
    const created = await createBroadcast(deps, {
      brandId: actor.brandId,
      actor: { userId: actor.userId, audit: auditActorOf(res) },
      input,
    });
    res.status(201).json(created);
  });

  router.post('/api/console/broadcasts/:id/send', guard.require('broadcasts.send'), async (req, res) => {
    const actor = consoleActorOf(res);
    const broadcastId = String(req.params.id);
    await startBroadcast(deps, {
      brandId: actor.brandId,
      broadcastId,
      actor: { userId: actor.userId, audit: auditActorOf(res) },
    });
    res.status(202).json(await getBroadcastReport(deps, { brandId: actor.brandId, broadcastId }));
  });

  router.post('/api/console/broadcasts/:id/cancel', guard.require('broadcasts.send'), async (req, res) => {
    const { brandId, userId } = consoleActorOf(res);
    const broadcastId = String(req.params.id);
    await cancelBroadcast(deps, { brandId, broadcastId, actor: { userId, audit: auditActorOf(res) } });
    res.json(await getBroadcastReport(deps, { brandId, broadcastId }));
  });

  // The sender's own LINE account for test sends: a one-time code pushed to it proves it is theirs.
  router.get('/api/console/me/line', guard.require('broadcasts.send'), async (_req, res) => {
    const { userId, brandId } = consoleActorOf(res);
    res.json(await getConsoleLineLink(deps, { userId, brandId }));
  });

  router.post('/api/console/me/line', guard.require('broadcasts.send'), async (req, res) => {
    const body = parseConsoleInput(startLineLinkBodySchema, req.body);
    res.status(202).json(await startConsoleLineLink(deps, { actor: auditActorOf(res), ...body }));
  });

  router.post('/api/console/me/line/verify', guard.require('broadcasts.send'), async (req, res) => {
    const { code } = parseConsoleInput(verifyLineLinkBodySchema, req.body);
    res.json(await verifyConsoleLineLink(deps, { actor: auditActorOf(res), code }));
  });

  router.delete('/api/console/me/line', guard.require('broadcasts.send'), async (_req, res) => {
    res.json(await unlinkConsoleLine(deps, { actor: auditActorOf(res) }));
  });

  // "Send a test to me": the composed messages to the sender's verified LINE account (not a delivery).
  router.post('/api/console/broadcasts/test', guard.require('broadcasts.send'), async (req, res) => {
    const input = parseConsoleInput(testSendBodySchema, req.body);
    const actor = consoleActorOf(res);
    res.json(await sendTestBroadcast(deps, { actor: auditActorOf(res), name: actor.name, input }));
  });

  router.get('/api/console/broadcasts/:id', guard.require('broadcasts.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    res.json(await getBroadcastReport(deps, { brandId, broadcastId: String(req.params.id) }));
  });

  return { json: router };
}
