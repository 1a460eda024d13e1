import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Services } from '../core/app/build-services.js';
import { QUEUE_NAMES, readQueueStats } from '../core/metrics/index.js';

/**
 * `/healthz`: the process is up. `/readyz`: it can do work — the database answers and no work queue
 * has an item due for longer than READY_MAX_QUEUE_AGE_SECONDS (stuck workers). `/metrics`: Prometheus
 * text; bearer METRICS_TOKEN outside local mode (not served there without one).
 */
export function createHealthRouter(services: Pick<Services, 'database' | 'config' | 'clock' | 'metrics'>) {
  const { database } = services;
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await database.ping();
    } catch {
      res
        .status(503)
        .json({ status: 'unavailable', database: database.driver, reason: 'database unreachable' });
      return;
    }
    const limit = services.config?.operations?.readyMaxQueueAgeSeconds ?? 900;
    let stuck: string[] = [];
    try {
      const stats = await readQueueStats(database.db, services.clock.now().toISOString());
      stuck = QUEUE_NAMES.filter((queue) => stats[queue].oldestAgeSeconds > limit);
    } catch {
      res.status(503).json({ status: 'unavailable', database: database.driver, reason: 'queues unreadable' });
      return;
    }
    if (stuck.length > 0) {
      res.status(503).json({
        status: 'unavailable',
        database: database.driver,
        reason: `queue stuck for more than ${limit} s: ${stuck.join(', ')}`,
        stuckQueues: stuck,
      });
      return;
    }
    res.json({ status: 'ready', database: database.driver });
  });
  router.get('/metrics', async (req, res, next) => {
    const { metrics, config } = services;
    const token = config?.operations?.metricsToken;
    if (!metrics || (!config?.localMode && !token)) {
      next();
      return;
    }
    if (token && !bearerMatches(req.get('authorization'), token)) {
      res
        .set('www-authenticate', 'Bearer')
        .status(401)
        .json({
          error: { code: 'metrics.unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>' },
        });
      return;
    }
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
