import { describe, expect, test } from '@jest/globals';
import {
  canReview,
  CONSOLE_ROLES,
  hashPassword,
  hashSessionToken,
  normalizeEmail,
  verifyPassword,
} from '../../core/console/index.js';

describe('console passwords', () => {
  test('when a password is hashed, then it is stored as scrypt$N$r$p$salt$hash with a fresh salt', async () => {
    const first = await hashPassword('oolong-2025');
    const second = await hashPassword('oolong-2025');

    expect(first).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(first).not.toBe(second);
    await expect(verifyPassword('oolong-2025', first)).resolves.toBe(true);
    await expect(verifyPassword('oolong-2025', second)).resolves.toBe(true);
    await expect(verifyPassword('oolong-2024', first)).resolves.toBe(false);
  });

  test('when the stored hash is malformed or of another scheme, then nothing matches', async () => {
    const good = await hashPassword('oolong-2025');
    const [, N, r, p, salt, hash] = good.split('$');

    for (const stored of [
      '',
      'bcrypt$2b$10$abc',
      `scrypt$${N}$${r}$${p}$${salt}`,
      `scrypt$0$${r}$${p}$${salt}$${hash}`,
      `scrypt$${N}$${r}$${p}$${salt}$${hash!.slice(0, 40)}`,
    ]) {
      await expect(verifyPassword('oolong-2025', stored)).resolves.toBe(false);
    }
  });
});

describe('console sessions and roles', () => {
  test('when a token is hashed, then it is its SHA-256 in hex', () => {
    expect(hashSessionToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('emails are compared trimmed and in lower case', () => {
    expect(normalizeEmail('  Mei@Tea.EXAMPLE ')).toBe('mei@tea.example');
  });

  test('only owners and reviewers may review', () => {
    expect(CONSOLE_ROLES.filter(canReview)).toEqual(['owner', 'reviewer']);
  });
});
