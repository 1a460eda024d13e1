import { Router } from 'express';
import { z } from 'zod';
import type { BlobStore } from '../../core/blobs/index.js';
import type { Database } from '../../core/db/database.js';
import {
  eraseMemberForConsole,
  exportMemberForConsole,
  getMemberForConsole,
  getMemberImage,
  searchMembers,
} from '../../core/members/index.js';
import { createReceiptImageErasedError } from '../../core/receipts/index.js';
import type { Clock } from '../../core/shared/clock.js';
import { createNotFoundError } from '../../core/shared/errors.js';
import type { IdGenerator } from '../../core/shared/ids.js';
import { consoleActorOf, type ConsoleGuard } from '../console/console.guard.js';
import { requireJsonForMutations } from '../middlewares/csrf.js';

const searchQuerySchema = z.object({
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
const eraseBodySchema = z.object({ confirm: z.literal(true) }).strict();

/**
 * JSON routes under /api/console/members: search (`members.read`), one member's page (`members.read`),
 * their proof photos (`members.read`), the "my data" export (`exports.run`, audited) and erasure
 * (`members.erase`, owners only, audited).
 */
export function createMembersRouter({
  deps,
  blobStore,
  guard,
  basePath = '/api/console/members',
}: {
  deps: { db: Database; clock: Clock; generateId: IdGenerator };
  blobStore: BlobStore;
  guard: ConsoleGuard;
  basePath?: string;
}): Router {
  const router = Router();
  router.use(basePath, requireJsonForMutations);
  const memberPath = `${basePath}/:memberId`;

  router.get(basePath, guard.require('members.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const query = searchQuerySchema.parse(req.query);
    res.json(await searchMembers(deps.db, { brandId, ...query }));
  });

  router.get(memberPath, guard.require('members.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const memberId = String(req.params.memberId);
    res.json(
      await getMemberForConsole(deps.db, {
        brandId,
        memberId,
        imageUrl: (imageId) =>
          `${basePath}/${encodeURIComponent(memberId)}/images/${encodeURIComponent(imageId)}`,
      }),
    );
  });

  router.get(`${memberPath}/images/:imageId`, guard.require('members.read'), async (req, res) => {
    const { brandId } = consoleActorOf(res);
    const image = await getMemberImage(deps.db, {
      brandId,
      memberId: String(req.params.memberId),
      imageId: String(req.params.imageId),
    });
    if (!image) throw createNotFoundError({ message: 'No such photo of this member' });
    if (!image.storageKey) throw createReceiptImageErasedError({ details: { imageId: image.id } });
    const bytes = await blobStore.get(image.storageKey);
    if (!bytes) throw createNotFoundError({ message: 'The stored photo is missing' });
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.type(image.mimeType).send(bytes);
  });

  router.get(`${memberPath}/export`, guard.require('exports.run'), async (req, res) => {
    const actor = consoleActorOf(res);
    const document = await exportMemberForConsole(deps, {
      brandId: actor.brandId,
      memberId: String(req.params.memberId),
      actor: { userId: actor.userId, email: actor.email },
      now: deps.clock.now(),
    });
    res.setHeader('Content-Disposition', `attachment; filename="member-${document.member.id}.json"`);
    res.json(document);
  });

  router.post(`${memberPath}/erase`, guard.require('members.erase'), async (req, res) => {
    const actor = consoleActorOf(res);
    eraseBodySchema.parse(req.body ?? {});
    res.json(
      await eraseMemberForConsole(deps, {
        brandId: actor.brandId,
        memberId: String(req.params.memberId),
        actor: { userId: actor.userId, email: actor.email },
        now: deps.clock.now(),
      }),
    );
  });

  return router;
}
