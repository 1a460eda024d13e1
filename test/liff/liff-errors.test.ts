import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { explainError, LIFF_ERRORS } from '../../liff-app/src/errors.js';
import { LOCALES, messageIn, type MessageKey } from '../../liff-app/src/messages.js';
import { projectRoot } from '../../core/shared/paths.js';

/** Where the errors the LIFF API can answer are made: the capabilities it calls and its own middleware. */
const SOURCES = [
  'core/members',
  'core/rewards',
  'core/surveys',
  'core/membership-link',
  'core/receipts',
  'core/draws',
  'core/submissions',
  'core/campaigns',
  'core/shared',
  'bot/liff',
  'bot/middlewares',
];

/** Codes from those folders that no LIFF route can answer (console, webhook and admin-only errors). */
const NOT_FOR_MEMBERS = new Set([
  'webhook.bad_signature',
  'points.adjustment_below_zero',
  'points.invalid_adjustment',
  'reward.invalid',
  'reward.image_invalid',
  'reward.image_too_large',
  'instant_prize.invalid',
  'instant_prize.not_found',
  'draw.invalid',
  'receipt.known_seller_invalid',
  'submission.not_reviewable',
  'campaign.settings_invalid',
  'campaign.slug_taken',
  'campaign.status_refused',
  'campaign.version_conflict',
  'campaign.version_not_found',
  // Said to the operator at start when the LIFF build is missing: there is no LIFF page to show it in.
  'liff.app_not_built',
]);

function serverErrorCodes(): string[] {
  const codes = new Set<string>();
  for (const folder of SOURCES) {
    for (const file of readdirSync(join(projectRoot, folder))) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(projectRoot, folder, file), 'utf8');
      for (const match of text.matchAll(/\bcode: '([a-z_]+(?:\.[a-z_]+)+|internal|not_found)'/g))
        codes.add(match[1]!);
    }
  }
  return [...codes].sort();
}

describe('LIFF error messages', () => {
  test('when the server can answer a member with an error code, then the LIFF app has words for it', () => {
    const codes = serverErrorCodes();
    expect(codes.length).toBeGreaterThan(30);
    const missing = codes.filter((code) => !NOT_FOR_MEMBERS.has(code) && !LIFF_ERRORS[code]);
    expect(missing).toEqual([]);
  });

  const keys = new Set<MessageKey>();
  for (const { message, action } of Object.values(LIFF_ERRORS)) {
    keys.add(message);
    if (action) keys.add(`error.action.${action}` as MessageKey);
  }

  test.each([...keys])('when %s is shown, then it is written in zh-TW, th and en', (key) => {
    const texts = LOCALES.map((locale) => messageIn(locale, key));
    for (const text of texts) expect(text?.trim()).toBeTruthy();
    // Translated, not the English sentence copied over.
    expect(new Set(texts).size).toBe(3);
  });

  test('when a member who has not registered is refused (409), then the words say so with a Register action', () => {
    expect(explainError({ status: 409, code: 'member.not_registered' })).toEqual({
      message: 'error.notRegistered',
      action: 'register',
    });
  });

  test('when the code is unknown, then the status decides: 401 signs in again, 429 waits, 5xx is busy', () => {
    expect(explainError({ status: 401, code: 'x.y' })).toMatchObject({ message: 'auth.failed' });
    expect(explainError({ status: 429, code: 'x.y' })).toMatchObject({ message: 'error.tooManyTries' });
    expect(explainError({ status: 503, code: 'x.y' })).toMatchObject({ message: 'error.busy' });
    expect(explainError(new Error('offline'))).toEqual({ message: 'common.error' });
  });
});
