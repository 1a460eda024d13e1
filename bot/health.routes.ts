import { Router } from 'express';
import type { Services } from '../core/app/build-services.js';

/** `/healthz`: the process is up. `/readyz`: it can do work (the database answers). */
export function createHealthRouter({ database }: Pick<Services, 'database'>) {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await database.ping();
      res.json({ status: 'ready', database: database.driver });
    } catch {
      res.status(503).json({ status: 'unavailable', database: database.driver });
    }
  });
  return router;
}
