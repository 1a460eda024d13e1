import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../../core/db/database.js';
import {
  getDrawTaxReport,
  listMemberDrawWins,
  setDrawPermit,
  submitWinnerTaxData,
  winnerTaxDataSchema,
  type TaxDataCipher,
} from '../../core/draws/index.js';
import type { Clock } from '../../core/shared/clock.js';
import type { IdGenerator } from '../../core/shared/ids.js';
import { consoleActorOf, type ConsoleGuard } from '../console/console.guard.js';
import type { ResolveMember } from './rewards.routes.js';

type Deps = { db: Database; generateId: IdGenerator; clock: Clock; cipher: TaxDataCipher };

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((value) => value || null);
const permitBodySchema = z
  .object({ permitNumber: optionalText(50), permitProvince: optionalText(100) })
  .strict();

/**
 * Winner paperwork in the console: a draw's tax report (`winners.tax`, owners only: the winners' names,
 * ID numbers and addresses, decrypted, with the withholding and premium; audited) and the lucky-draw
 * permit of a Thai draw (`draws.run`).
 */
export function createWinnerTaxConsoleRouter({
  db,
  generateId,
  clock,
  cipher,
  guard,
}: Deps & { guard: ConsoleGuard }) {
  const router = Router();
  router.get('/api/console/draws/:drawId/tax', guard.require('winners.tax'), async (req, res) => {
    const actor = consoleActorOf(res);
    res.json(
      await getDrawTaxReport({
        db,
        cipher,
        generateId,
        clock,
        brandId: actor.brandId,
        drawId: String(req.params.drawId),
        actor: { userId: actor.userId, email: actor.email },
      }),
    );
  });
  router.put('/api/console/draws/:drawId/permit', guard.require('draws.run'), async (req, res) => {
    const { brandId, userId, email } = consoleActorOf(res);
    const body = permitBodySchema.parse(req.body ?? {});
    const draw = await setDrawPermit({
      db,
      brandId,
      drawId: String(req.params.drawId),
      ...body,
      audit: { actor: { brandId, userId, email }, clock, generateId },
    });
    res.json({ permitNumber: draw.permitNumber, permitProvince: draw.permitProvince });
  });
  return router;
}

/**
 * The member's draw prizes in LIFF ("My prizes"), and the tax paperwork a prize above NT$1,000 asks for.
 * Mounted under /api/liff/rewards behind LIFF auth; the member is whoever `resolveMember` says.
 */
export function createWinnerTaxMemberRouter({
  db,
  clock,
  cipher,
  resolveMember,
}: Omit<Deps, 'generateId'> & { resolveMember: ResolveMember }) {
  const router = Router();
  router.get('/draw-wins', async (req, res) => {
    const member = await resolveMember(req);
    const wins = await listMemberDrawWins({ db, ...member });
    res.json({ wins: wins.filter((win) => win.status !== 'reserve') });
  });
  router.put('/draw-wins/:winnerId/tax-info', async (req, res) => {
    const member = await resolveMember(req);
    const data = winnerTaxDataSchema.parse(req.body ?? {});
    res.json(
      await submitWinnerTaxData({
        db,
        cipher,
        clock,
        ...member,
        winnerId: String(req.params.winnerId),
        data,
      }),
    );
  });
  return router;
}
