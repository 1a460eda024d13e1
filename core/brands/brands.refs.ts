import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { createNotFoundError } from '../shared/errors.js';
import { createBrandsRepository, type Brand, type LineChannel } from './brands.repository.js';
import { lineChannels } from './brands.table.js';

export const createBrandNotFoundError = (ref: string) =>
  createNotFoundError({ message: `No brand "${ref}" (give its id or slug)`, details: { brand: ref } });

/** A brand named by its id or its slug (CLI flags, headers, URLs), or a 404 naming what was not found. */
export async function getBrandByRefOrThrow(db: Executor, ref: string): Promise<Brand> {
  const brand = await createBrandsRepository({ db, generateId: () => '' }).getBrandByRef(ref.trim());
  if (!brand) throw createBrandNotFoundError(ref);
  return brand;
}

/**
 * The brand's first LINE channel (the oldest; ties by id): the one its broadcasts go out on, whose quota
 * the console shows, and through which console users link their own LINE account. Undefined: none yet.
 */
export async function findFirstLineChannel(db: Executor, brandId: string): Promise<LineChannel | undefined> {
  const [channel] = await db
    .select()
    .from(lineChannels)
    .where(eq(lineChannels.brandId, brandId))
    .orderBy(asc(lineChannels.createdAt), asc(lineChannels.id))
    .limit(1);
  return channel;
}
