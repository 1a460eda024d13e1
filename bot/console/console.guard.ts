import type { Request, RequestHandler, Response } from 'express';
import { getBrandByRefOrThrow } from '../../core/brands/index.js';
import { can, type ConsoleDeps, type ConsolePermission, type ConsoleRole } from '../../core/console/index.js';
import { createForbiddenError, createUnauthorizedError } from '../../core/shared/errors.js';
import { BRAND_HEADER, REVIEWER_HEADER } from '../review/index.js';
import { chooseMembershipOrThrow, getConsoleSession } from './console.session.js';

/** Who acts in a console request: the signed-in user, on one brand, with their role there. */
export type ConsoleActor = {
  userId: string;
  email: string;
  name: string;
  brandId: string;
  brandSlug: string;
  brandName: string;
  role: ConsoleRole;
  /** `session`: a signed-in console user. `local-header`: local mode's tooling shortcut (an owner). */
  via: 'session' | 'local-header';
};

export type ConsoleGuard = {
  /**
   * Middleware for one console route: 401 without a session, 403 when the user's role on the requested
   * brand lacks `permission`. The route reads the actor with `consoleActorOf(res)`.
   */
  require: (permission: ConsolePermission) => RequestHandler;
  /** The actor of a request, whatever their role (401/403 as above, without a permission check). */
  resolve: (req: Request) => Promise<ConsoleActor>;
};

const ACTOR_KEY = 'consoleActor';

/** The actor `guard.require(…)` resolved for this request. */
export function consoleActorOf(res: Response): ConsoleActor {
  const actor = res.locals[ACTOR_KEY] as ConsoleActor | undefined;
  if (!actor) throw new Error('consoleActorOf: the route is not behind guard.require(permission)');
  return actor;
}

/**
 * The console's one authorisation point. The brand is the `x-proofline-brand` header (id or slug) when
 * the user belongs to it, or the user's only brand. In local mode only, a request without a session may
 * name a user in `x-proofline-reviewer` and a brand in `x-proofline-brand` and acts as that brand's owner:
 * local tooling and the simulators use it; it proves nothing, so never on a real deployment.
 */
export function createConsoleGuard({
  deps,
  allowLocalHeaders,
}: {
  deps: Pick<ConsoleDeps, 'db' | 'clock' | 'generateId'>;
  allowLocalHeaders: boolean;
}): ConsoleGuard {
  const resolve = async (req: Request): Promise<ConsoleActor> => {
    const requested = req.header(BRAND_HEADER)?.trim() || undefined;
    const signedIn = await getConsoleSession(deps, req);
    if (signedIn) {
      const membership = await chooseMembershipOrThrow(deps.db, signedIn.memberships, requested);
      return {
        userId: signedIn.user.id,
        email: signedIn.user.email,
        name: signedIn.user.name,
        brandId: membership.brandId,
        brandSlug: membership.brandSlug,
        brandName: membership.brandName,
        role: membership.role,
        via: 'session',
      };
    }
    const localUser = allowLocalHeaders ? req.header(REVIEWER_HEADER)?.trim() : undefined;
    if (localUser && requested) {
      const brand = await getBrandByRefOrThrow(deps.db, requested);
      return {
        userId: localUser,
        email: `${localUser}@local`,
        name: localUser,
        brandId: brand.id,
        brandSlug: brand.slug,
        brandName: brand.name,
        role: 'owner',
        via: 'local-header',
      };
    }
    throw createUnauthorizedError({ message: 'Sign in to the console first' });
  };

  return {
    resolve,
    require: (permission) => async (req, res, next) => {
      const actor = await resolve(req);
      if (!can(actor.role, permission))
        throw createForbiddenError({
          message: `Your role on brand "${actor.brandSlug}" (${actor.role}) does not allow this (${permission})`,
          details: { brand: actor.brandSlug, role: actor.role, permission },
        });
      res.locals[ACTOR_KEY] = actor;
      next();
    },
  };
}
