import { Router, type Request } from 'express';
import { z } from 'zod';
import { createBrandsRepository } from '../../core/brands/index.js';
import { CONSOLE_ROLES, type ConsoleDeps } from '../../core/console/index.js';
import {
  acceptTeamInvitation,
  inviteTeamMember,
  listTeam,
  lookupTeamInvitation,
  revokeTeamInvitation,
  updateTeamMember,
} from '../../core/team/index.js';
import { consoleActorOf, type ConsoleGuard } from '../console/console.guard.js';
import { parseConsoleInput } from '../console/console.parse.js';
import { sendSignedIn, setConsoleSessionCookie } from '../console/console.routes.js';
import { requireJsonForMutations } from '../middlewares/csrf.js';

const roleSchema = z.enum(CONSOLE_ROLES);
const inviteBodySchema = z
  .object({ email: z.string().trim().toLowerCase().email().max(320), role: roleSchema })
  .strict();
const updateBodySchema = z
  .object({ role: roleSchema.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((body) => body.role !== undefined || body.disabled !== undefined, {
    message: 'give "role" or "disabled"',
  });
const tokenSchema = z.string().trim().min(20).max(200);
const lookupBodySchema = z.object({ token: tokenSchema }).strict();
const acceptBodySchema = z
  .object({
    token: tokenSchema,
    name: z.string().trim().min(1).max(120),
    password: z.string().min(1).max(1024),
  })
  .strict();

/**
 * The brand's team (`team.manage`, owners): people with their role, status and last sign-in, open
 * invitations; invite, withdraw an invitation, change a role, disable or re-enable. And the two public
 * routes the invitation page uses: look up a link, and set a password through it (which signs in).
 */
export function createTeamRouter({
  deps,
  guard,
  sessionHours,
  secureCookie,
  publicBaseUrl,
}: {
  deps: ConsoleDeps;
  guard: ConsoleGuard;
  sessionHours: number;
  secureCookie: boolean;
  /** PUBLIC_BASE_URL; unset: the origin the owner's request came to. */
  publicBaseUrl: string | undefined;
}): Router {
  const router = Router();
  const basePath = '/api/console/team';
  router.use(basePath, requireJsonForMutations);
  router.use('/api/console/invitations', requireJsonForMutations);
  const baseUrlOf = (req: Request) => publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const actorOf = (res: Parameters<typeof consoleActorOf>[0]) => {
    const actor = consoleActorOf(res);
    return { userId: actor.userId, email: actor.email, brandId: actor.brandId };
  };

  router.get(basePath, guard.require('team.manage'), async (_req, res) => {
    const actor = consoleActorOf(res);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ...(await listTeam(deps, { brandId: actor.brandId })), you: actor.userId });
  });

  router.post(`${basePath}/invitations`, guard.require('team.manage'), async (req, res) => {
    const body = parseConsoleInput(inviteBodySchema, req.body);
    const result = await inviteTeamMember(deps, { actor: actorOf(res), ...body, baseUrl: baseUrlOf(req) });
    // The link is shown once, to this owner: never cached, never stored in clear.
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(result);
  });

  router.delete(`${basePath}/invitations/:invitationId`, guard.require('team.manage'), async (req, res) => {
    res.json(
      await revokeTeamInvitation(deps, {
        actor: actorOf(res),
        invitationId: String(req.params.invitationId),
      }),
    );
  });

  router.patch(`${basePath}/users/:userId`, guard.require('team.manage'), async (req, res) => {
    const body = parseConsoleInput(updateBodySchema, req.body);
    res.json(
      await updateTeamMember(deps, { actor: actorOf(res), userId: String(req.params.userId), ...body }),
    );
  });

  const brands = createBrandsRepository(deps);
  router.post('/api/console/invitations/lookup', async (req, res) => {
    const { token } = parseConsoleInput(lookupBodySchema, req.body);
    res.setHeader('Cache-Control', 'no-store');
    res.json(
      await lookupTeamInvitation(deps, {
        token,
        brandName: async (brandId) => (await brands.getBrandById(brandId))?.name,
      }),
    );
  });

  router.post('/api/console/invitations/accept', async (req, res) => {
    const body = parseConsoleInput(acceptBodySchema, req.body);
    const signedIn = await acceptTeamInvitation(deps, { ...body, sessionHours, ip: req.ip });
    setConsoleSessionCookie(res, signedIn, { secure: secureCookie, now: deps.clock.now() });
    sendSignedIn(res.status(201), signedIn);
  });

  return router;
}
