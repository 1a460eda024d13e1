import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips, native) loaded on the first image: a server that has not read a photo yet does not
 * hold it (`npm run bench -- memory`, idle RSS). Every call after the first resolves the same module.
 * libvips' operation cache is off: every photo is a new image, so the cache (up to 50 MB by default)
 * only kept the last photos' pixels after the OCR workers stopped (docs/decisions/012).
 */
export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return loading;
}
