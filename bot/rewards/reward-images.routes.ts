import express, { Router, type Request } from 'express';
import type { BlobStore } from '../../core/blobs/index.js';
import {
  parseRewardImagePath,
  REWARD_IMAGE_MAX_BYTES,
  REWARD_IMAGE_PATH_PREFIX,
  storeRewardImage,
} from '../../core/rewards/index.js';
import { createValidationError } from '../../core/shared/errors.js';
import { consoleActorOf, type ConsoleGuard } from '../console/console.guard.js';
import { readMultipartForm } from '../middlewares/multipart.js';

/** The multipart envelope around the largest picture taken. */
const rawImageUpload = express.raw({
  type: 'multipart/form-data',
  limit: REWARD_IMAGE_MAX_BYTES + 64 * 1024,
});

/** A 400 naming one field, shaped like a zod answer so forms show it beside the field. */
function fieldError(field: string, message: string) {
  return createValidationError({
    message,
    details: { issues: [{ path: [field], message }], fieldErrors: { [field]: message } },
  });
}

async function readImageField(req: Request): Promise<Buffer> {
  if (!Buffer.isBuffer(req.body))
    throw createValidationError({ message: 'Send the image as multipart/form-data, field "image"' });
  const form = await readMultipartForm(req);
  const file = form.get('image');
  if (!file || typeof file === 'string') throw fieldError('image', 'Choose an image file');
  return Buffer.from(await file.arrayBuffer());
}

/**
 * `POST /api/console/reward-images` (multipart, field `image`): stores a reward picture for the guard's
 * brand and answers the `imageUrl` the Rewards form then saves with the reward.
 */
export function createRewardImagesConsoleRouter({
  blobStore,
  guard,
}: {
  blobStore: BlobStore;
  guard: ConsoleGuard;
}): Router {
  const router = Router();
  router.post(
    '/api/console/reward-images',
    guard.require('rewards.write'),
    rawImageUpload,
    async (req, res) => {
      const { brandId } = consoleActorOf(res);
      const stored = await storeRewardImage({ blobStore, brandId, bytes: await readImageField(req) });
      res.status(201).json(stored);
    },
  );
  return router;
}

/**
 * The stored pictures, for LIFF (an `<img>` cannot send the LIFF ID token) and anyone: content-addressed,
 * so cached for a year; served with a policy that runs nothing.
 */
export function createRewardImagesPublicRouter({ blobStore }: { blobStore: BlobStore }): Router {
  const router = Router();
  router.get(`${REWARD_IMAGE_PATH_PREFIX}/:brandId/:file`, async (req, res) => {
    const image = parseRewardImagePath(req.path);
    const bytes = image ? await blobStore.get(image.key) : undefined;
    if (!image || !bytes) {
      res.status(404).type('text/plain').send('Not found\n');
      return;
    }
    res.set({
      'content-type': image.contentType,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'cross-origin-resource-policy': 'cross-origin',
    });
    res.send(bytes);
  });
  return router;
}

/**
 * A reward's `imageUrl` as given: an http(s) address, or a picture stored for this brand (one of another
 * brand, or one never uploaded, is refused naming the field).
 */
export async function assertRewardImageUrl(
  { blobStore, brandId }: { blobStore: BlobStore | undefined; brandId: string },
  imageUrl: string | null | undefined,
): Promise<void> {
  if (!imageUrl || /^https?:\/\//i.test(imageUrl)) return;
  const image = parseRewardImagePath(imageUrl);
  if (image && blobStore && image.brandId === brandId && (await blobStore.exists(image.key))) return;
  throw fieldError('imageUrl', 'Upload the image again or give an http(s) address');
}
