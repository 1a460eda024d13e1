import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { createTaxDataKeyMissingError, createTaxDataUnreadableError } from './draws.errors.js';
import type { WinnerTaxData } from './winner-tax.models.js';

/** A winner's tax data as stored in `draw_winners.tax_info`: AES-256-GCM, bound to the winner's id. */
export type SealedTaxData = { v: 1; alg: 'aes-256-gcm'; iv: string; tag: string; ct: string };

export type TaxDataCipher = {
  /** `boundTo` (the winner id) is authenticated with the data: a sealed value moved to another row fails. */
  seal: (data: WinnerTaxData, boundTo: string) => SealedTaxData;
  open: (sealed: SealedTaxData, boundTo: string) => WinnerTaxData;
};

/** The key file local mode creates under DATA_DIR (ignored by git) when TAX_DATA_KEY is not set. */
export const LOCAL_TAX_DATA_KEY_FILE = 'tax-data.key';

/** A TAX_DATA_KEY: 32 bytes as base64 (44 characters) or hex (64 characters). */
export function parseTaxDataKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('TAX_DATA_KEY must be 32 bytes, as base64 or 64 hex characters');
  return key;
}

export function createTaxDataCipher(key: Buffer): TaxDataCipher {
  if (key.length !== 32) throw new Error('An AES-256 key is 32 bytes');
  return {
    seal: (data, boundTo) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(boundTo, 'utf8'));
      const ct = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
      return {
        v: 1,
        alg: 'aes-256-gcm',
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        ct: ct.toString('base64'),
      };
    },
    open: (sealed, boundTo) => {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
        decipher.setAAD(Buffer.from(boundTo, 'utf8'));
        decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
        const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
        return JSON.parse(plain.toString('utf8')) as WinnerTaxData;
      } catch (cause) {
        throw createTaxDataUnreadableError({ cause });
      }
    },
  };
}

/** Local mode's key: read from DATA_DIR/tax-data.key, created (random, owner-only) on first use. */
function localDevKey(dataDir: string): Buffer {
  const file = join(dataDir, LOCAL_TAX_DATA_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // The web and jobs processes may start together: the first one's key wins.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return parseTaxDataKey(readFileSync(file, 'utf8'));
}

/**
 * The process's cipher for winner tax data: TAX_DATA_KEY when set; in local mode a generated dev key kept
 * in DATA_DIR; otherwise none, and storing or reading tax data fails with `winner_tax.key_missing` (never
 * a plaintext fallback). The key is resolved on first use, so processes that never touch tax data need none.
 */
export function buildTaxDataCipher(
  config: Pick<Config, 'taxDataKey' | 'localMode' | 'dataDir'>,
): TaxDataCipher {
  let cipher: TaxDataCipher | undefined;
  const resolve = () => {
    if (cipher) return cipher;
    if (config.taxDataKey) cipher = createTaxDataCipher(parseTaxDataKey(config.taxDataKey));
    else if (config.localMode) cipher = createTaxDataCipher(localDevKey(config.dataDir));
    else throw createTaxDataKeyMissingError();
    return cipher;
  };
  return {
    seal: (data, boundTo) => resolve().seal(data, boundTo),
    open: (sealed, boundTo) => resolve().open(sealed, boundTo),
  };
}
