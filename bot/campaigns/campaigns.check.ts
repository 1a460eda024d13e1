import express, { type Request } from 'express';
import { z } from 'zod';
import { MAX_CHECK_PROOFS } from '../../core/app/campaign-check.js';
import { LOCALES, type Locale } from '../../core/i18n/index.js';
import { checkInvoiceSchema, type CheckProof } from '../../core/submissions/index.js';
import { readMultipartForm } from '../middlewares/multipart.js';
import { negotiateLocale } from '../../core/i18n/index.js';

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export const checkBodySchema = z.object({
  proofs: z
    .array(z.union([z.string().trim().min(1), checkInvoiceSchema]))
    .max(MAX_CHECK_PROOFS)
    .default([]),
  /** Judge as if registered at this instant. @default now, inside the registration window */
  registeredAt: z.iso.datetime({ offset: true }).optional(),
  /** Draft rules / rewards to try instead of the campaign's (the editor's unsaved changes). */
  rules: z.unknown().optional(),
  rewards: z.unknown().optional(),
  /** The language of each rule's `detail`. @default the request's Accept-Language, else en */
  lang: z.enum(LOCALES).optional(),
});

/** The checker's language: an explicit `lang` (body, then query), else Accept-Language, else English. */
export function checkLocale(req: Request, lang: Locale | undefined): Locale {
  return negotiateLocale(
    { lang: lang ?? req.query.lang, acceptLanguage: req.header('accept-language') },
    'en',
  );
}

/** Reads the multipart body of a check (field `body`: the JSON, files `photo`) with the platform's parser. */
export const rawMultipart = express.raw({ type: 'multipart/form-data', limit: MAX_PHOTO_BYTES * 5 });

export async function readCheckRequest(req: Request): Promise<{ body: unknown; photos: CheckProof[] }> {
  if (!Buffer.isBuffer(req.body)) return { body: req.body ?? {}, photos: [] };
  const form = await readMultipartForm(req);
  const json = form.get('body');
  const photos: CheckProof[] = [];
  for (const value of form.getAll('photo')) {
    if (typeof value === 'string') continue;
    photos.push({ photo: Buffer.from(await value.arrayBuffer()), name: value.name || 'photo' });
  }
  return { body: typeof json === 'string' && json.trim() ? JSON.parse(json) : {}, photos };
}
