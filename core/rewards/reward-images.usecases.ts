import { createHash } from 'node:crypto';
import type { OutputInfo } from 'sharp';
import { loadSharp } from '../shared/sharp.js';
import type { BlobStore } from '../blobs/index.js';
import { sniffImageType } from '../receipts/index.js';
import { createRewardImageInvalidError, createRewardImageTooLargeError } from './rewards.errors.js';

/** Largest upload taken for a reward picture. @default 5 MB */
export const REWARD_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** Largest declared width × height decoded (a small file can declare a huge picture). */
const REWARD_IMAGE_MAX_PIXELS = 40_000_000;
/** Long side of the stored copy: the LIFF catalog shows it at phone width. */
const REWARD_IMAGE_LONG_SIDE = 1200;

/** Where the web process serves stored reward pictures to LIFF (and anyone: they are the brand's marketing). */
export const REWARD_IMAGE_PATH_PREFIX = '/reward-images';

const STORED = /^\/reward-images\/([A-Za-z0-9_]+)\/([0-9a-f]{64})\.(jpg|png)$/;

export type StoredRewardImage = { imageUrl: string; width: number; height: number; byteSize: number };

/**
 * Takes an uploaded reward picture: refuses anything but a real JPEG, PNG or WebP within the limits (the
 * bytes are sniffed, never the file name), then stores an upright copy at most 1200 px long, re-encoded so
 * no camera metadata (EXIF, GPS) reaches members, under its content hash through the blob store. Returns
 * the path LIFF loads it from; the reward takes it as its `imageUrl` when saved.
 */
export async function storeRewardImage({
  blobStore,
  brandId,
  bytes,
}: {
  blobStore: BlobStore;
  brandId: string;
  bytes: Buffer;
}): Promise<StoredRewardImage> {
  const sharp = await loadSharp();
  if (bytes.length > REWARD_IMAGE_MAX_BYTES)
    throw createRewardImageTooLargeError({
      message: `The image is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${REWARD_IMAGE_MAX_BYTES / 1048576} MB`,
      details: { byteSize: bytes.length, maxBytes: REWARD_IMAGE_MAX_BYTES },
    });
  const type = sniffImageType(bytes);
  if (type !== 'image/jpeg' && type !== 'image/png' && type !== 'image/webp')
    throw createRewardImageInvalidError({ details: { detected: type ?? null } });
  let output: { data: Buffer; info: OutputInfo };
  try {
    const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!metadata.width || !metadata.height) throw new Error('no size');
    if (metadata.width * metadata.height > REWARD_IMAGE_MAX_PIXELS)
      throw createRewardImageTooLargeError({
        message: `The image is ${metadata.width}×${metadata.height}; the limit is ${REWARD_IMAGE_MAX_PIXELS / 1e6} megapixels`,
      });
    const resized = sharp(bytes, { limitInputPixels: REWARD_IMAGE_MAX_PIXELS, failOn: 'truncated' })
      .rotate()
      .resize({
        width: REWARD_IMAGE_LONG_SIDE,
        height: REWARD_IMAGE_LONG_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      });
    // Transparency survives only as PNG; everything else is a JPEG, the smallest thing every LINE browser shows.
    output = await (
      metadata.hasAlpha ? resized.png() : resized.jpeg({ quality: 85, mozjpeg: true })
    ).toBuffer({
      resolveWithObject: true,
    });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'reward.image_too_large') throw error;
    throw createRewardImageInvalidError({ message: 'The image is damaged or incomplete', cause: error });
  }
  const extension = output.info.format === 'png' ? 'png' : 'jpg';
  const sha256 = createHash('sha256').update(output.data).digest('hex');
  const key = `reward-images/${brandId}/${sha256}.${extension}`;
  if (!(await blobStore.exists(key)))
    await blobStore.put(key, output.data, { contentType: extension === 'png' ? 'image/png' : 'image/jpeg' });
  return {
    imageUrl: `${REWARD_IMAGE_PATH_PREFIX}/${brandId}/${sha256}.${extension}`,
    width: output.info.width,
    height: output.info.height,
    byteSize: output.data.length,
  };
}

/** The blob key and type of a stored reward picture's path, or undefined when the path is not one. */
export function parseRewardImagePath(
  path: string,
): { brandId: string; key: string; contentType: 'image/jpeg' | 'image/png' } | undefined {
  const match = STORED.exec(path);
  if (!match) return undefined;
  const [, brandId, sha256, extension] = match as unknown as [string, string, string, 'jpg' | 'png'];
  return {
    brandId,
    key: `reward-images/${brandId}/${sha256}.${extension}`,
    contentType: extension === 'png' ? 'image/png' : 'image/jpeg',
  };
}
