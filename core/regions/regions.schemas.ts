import { z } from 'zod';
import { COUNTRIES } from './regions.data.js';
import { REGION_CODES } from './regions.models.js';

export const countrySchema = z.enum(COUNTRIES);

/** A region as stored and sent: its ISO 3166-2 code (`TW-TPE`, `TH-50`), upper-cased on the way in. */
export const regionCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(
    z.enum(REGION_CODES as [string, ...string[]], {
      error: 'must be a region code of Taiwan or Thailand such as TW-TPE or TH-10',
    }),
  );
