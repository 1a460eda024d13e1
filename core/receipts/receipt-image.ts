import { createHash } from 'node:crypto';
import { bmvbhash } from 'blockhash-core';
import type { Metadata } from 'sharp';
import { loadSharp } from '../shared/sharp.js';
import {
  createCorruptImageError,
  createImageTooLargeError,
  createNotAnImageError,
  createTooManyPixelsError,
  createUnsupportedImageFormatError,
} from './receipts.errors.js';

export type ImageMimeType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic';

export type ImageLimits = {
  /** Largest upload accepted. @default 20 MB (LINE caps images at 10 MB; LIFF uploads are unbounded) */
  maxBytes: number;
  /** Largest width × height decoded: a small file can declare 20000×20000 (a decompression bomb). @default 50 MP */
  maxPixels: number;
  /** Long side of the copy used for reading (QR, OCR). @default 2400 */
  readLongSide: number;
};

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 50_000_000,
  readLongSide: 2400,
};

/** The real type from the first bytes: never the file name or the Content-Type header. */
export function sniffImageType(bytes: Buffer): ImageMimeType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'image/webp';
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') {
    const brand = bytes.toString('latin1', 8, 12);
    if (['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'heim', 'heis'].includes(brand)) return 'image/heic';
  }
  return undefined;
}

export type PreparedImage = {
  mimeType: ImageMimeType;
  sha256: string;
  byteSize: number;
  /** Size after EXIF orientation. */
  width: number;
  height: number;
  /** Upright copy, long side ≤ readLongSide, for QR and OCR. */
  readable: Buffer;
  /** 256-bit blockhash (hex) of the upright photo. */
  perceptualHash: string;
};

/**
 * Checks and prepares an upload. Order matters: size, then the real type from the magic bytes, then the
 * declared pixel count from the header alone (`metadata()` decodes no pixels), and only then a decode
 * with `limitInputPixels` as a second guard. Each refusal is a typed AppError.
 */
export async function prepareReceiptImage(
  bytes: Buffer,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<PreparedImage> {
  const sharp = await loadSharp();
  if (bytes.length > limits.maxBytes) {
    throw createImageTooLargeError({
      message: `The photo is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${(limits.maxBytes / 1048576).toFixed(0)} MB`,
      details: { byteSize: bytes.length, maxBytes: limits.maxBytes },
    });
  }
  const mimeType = sniffImageType(bytes);
  if (!mimeType) throw createNotAnImageError();

  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    if (mimeType === 'image/heic') throw createUnsupportedImageFormatError({ cause: error });
    throw createCorruptImageError({ cause: error });
  }
  const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
  if (!metadata.width || !metadata.height) throw createCorruptImageError();
  if (pixels > limits.maxPixels) {
    throw createTooManyPixelsError({
      message: `The photo is ${metadata.width}×${metadata.height}; the limit is ${Math.round(limits.maxPixels / 1e6)} megapixels`,
      details: { width: metadata.width, height: metadata.height, maxPixels: limits.maxPixels },
    });
  }

  let readable: Buffer;
  try {
    // failOn 'truncated' refuses a cut-off JPEG instead of reading a grey bottom half.
    ({ data: readable } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated' })
      .rotate()
      .resize({
        width: limits.readLongSide,
        height: limits.readLongSide,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .jpeg({ quality: 92 })
      .toBuffer({ resolveWithObject: true }));
  } catch (error) {
    if (mimeType === 'image/heic') throw createUnsupportedImageFormatError({ cause: error });
    throw createCorruptImageError({ cause: error });
  }
  const upright = metadata.orientation && metadata.orientation >= 5;
  return {
    mimeType,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    byteSize: bytes.length,
    width: upright ? metadata.height : metadata.width,
    height: upright ? metadata.width : metadata.height,
    readable,
    perceptualHash: await perceptualHashOf(readable),
  };
}

/** blockhash-core's bmvbhash with 16×16 blocks = 256 bits, computed on a small copy (fast, and scale-free). */
export async function perceptualHashOf(image: Buffer): Promise<string> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(image)
    .resize({ width: 256, height: 256, fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return bmvbhash({ width: info.width, height: info.height, data }, 16);
}

/** Differing bits between two hex hashes of the same length. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let distance = 0;
  for (let i = 0; i < a.length; i++) {
    let x = parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16);
    while (x) {
      distance += x & 1;
      x >>= 1;
    }
  }
  return distance;
}
