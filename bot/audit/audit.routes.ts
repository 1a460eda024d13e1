import { Router } from 'express';
import { z } from 'zod';
import { AUDIT_PAGE_SIZE, listAuditEntries, listAuditFacets } from '../../core/audit/index.js';
import { getBrandByRefOrThrow } from '../../core/brands/index.js';
import { addDays, startOfLocalDay } from '../../core/campaigns/index.js';
import type { Database } from '../../core/db/database.js';
import { consoleActorOf, type ConsoleGuard } from '../console/console.guard.js';
import { parseConsoleInput } from '../console/console.parse.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateOrInstant = z
  .string()
  .trim()
  .refine((value) => DATE.test(value) || !Number.isNaN(Date.parse(value)), {
    message: 'a date (YYYY-MM-DD, in the brand’s time zone) or an ISO instant',
  });

const querySchema = z.object({
  actor: z.string().trim().max(100).optional(),
  action: z
    .string()
    .trim()
    .regex(/^[a-z0-9_.]+$/, 'a dotted action (team.invited) or an area ending in a dot (team.)')
    .max(100)
    .optional(),
  target: z.string().trim().max(60).optional(),
  from: dateOrInstant.optional(),
  to: dateOrInstant.optional(),
  after: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(AUDIT_PAGE_SIZE),
});

/**
 * The brand's audit log (`audit.read`, owners): `GET /api/console/audit` newest first, filtered by actor
 * (user id), action (exact, or an area prefix `team.`), target kind and a date range (`from`/`to` as dates
 * in the brand's time zone, both days included, or ISO instants), a page at a time (`after` = the
 * previous page's `next`); `GET /api/console/audit/facets` the choices for the filters.
 */
export function createAuditRouter({ db, guard }: { db: Database; guard: ConsoleGuard }): Router {
  const router = Router();

  router.get('/api/console/audit', guard.require('audit.read'), async (req, res) => {
    const actor = consoleActorOf(res);
    const query = parseConsoleInput(querySchema, req.query);
    const brand = await getBrandByRefOrThrow(db, actor.brandId);
    const instant = (value: string | undefined, { endOfDay }: { endOfDay: boolean }) => {
      if (!value) return undefined;
      if (!DATE.test(value)) return new Date(value);
      return startOfLocalDay(endOfDay ? addDays(value, 1) : value, brand.timezone);
    };
    res.setHeader('Cache-Control', 'no-store');
    res.json(
      await listAuditEntries(db, {
        filters: {
          brandId: actor.brandId,
          actorId: query.actor || undefined,
          action: query.action || undefined,
          targetType: query.target || undefined,
          from: instant(query.from, { endOfDay: false }),
          to: instant(query.to, { endOfDay: true }),
        },
        after: query.after || undefined,
        limit: query.limit,
      }),
    );
  });

  router.get('/api/console/audit/facets', guard.require('audit.read'), async (_req, res) => {
    res.json(await listAuditFacets(db, { brandId: consoleActorOf(res).brandId }));
  });

  return router;
}
