import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips, native) loaded on the first image: a server that has not read a photo yet does not
 * hold it (`npm run bench -- memory`, idle RSS). Every call after the first resolves the same module.
 */
export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then((module) => module.default);
  return loading;
}
