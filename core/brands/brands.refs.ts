import type { Executor } from '../db/database.js';
import { createNotFoundError } from '../shared/errors.js';
import { createBrandsRepository, type Brand } from './brands.repository.js';

export const createBrandNotFoundError = (ref: string) =>
  createNotFoundError({ message: `No brand "${ref}" (give its id or slug)`, details: { brand: ref } });

/** A brand named by its id or its slug (CLI flags, headers, URLs), or a 404 naming what was not found. */
export async function getBrandByRefOrThrow(db: Executor, ref: string): Promise<Brand> {
  const brand = await createBrandsRepository({ db, generateId: () => '' }).getBrandByRef(ref.trim());
  if (!brand) throw createBrandNotFoundError(ref);
  return brand;
}
