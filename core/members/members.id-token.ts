import type { Clock } from '../shared/clock.js';
import { createErrorFactory } from '../shared/errors.js';

/** What LINE vouches for about the holder of a LIFF ID token (the verify endpoint's answer). */
export type VerifiedIdToken = {
  /** The LINE user id (per provider): the only user id the LIFF API trusts. */
  sub: string;
  /** The LINE Login channel id the token was issued for. */
  aud: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  name?: string;
  picture?: string;
};

/** The port: asks LINE whether an ID token is genuine, unexpired and issued for this channel. */
export type IdTokenVerifier = {
  verify: (input: { idToken: string; clientId: string }) => Promise<VerifiedIdToken>;
};

export const createIdTokenInvalidError = createErrorFactory({
  message: 'The LINE ID token is missing, invalid, expired or not for this app',
  code: 'liff.id_token_invalid',
  statusCode: 401,
});

export const createIdTokenVerifierUnavailableError = createErrorFactory({
  message: 'LINE could not verify the ID token right now',
  code: 'liff.id_token_verifier_unavailable',
  statusCode: 503,
});

/** The LINE Login endpoint that checks an ID token (form fields `id_token`, `client_id`). */
export const LINE_ID_TOKEN_VERIFY_PATH = '/oauth2/v2.1/verify';

/**
 * The real adapter: `POST {apiBaseUrl}/oauth2/v2.1/verify`. LINE answers 400 for a forged, expired or
 * wrong-audience token; anything else that is not 200 is LINE being unavailable (503, never 401, so a
 * LINE outage does not look like a logout). The answer's `aud` is checked again here: the client id we
 * asked about must be the audience.
 */
export function createHttpIdTokenVerifier({
  apiBaseUrl,
  fetchImpl = fetch,
  timeoutMs = 5_000,
}: {
  /** https://api.line.me, or the simulator in local mode and tests. */
  apiBaseUrl: string;
  fetchImpl?: typeof fetch;
  /** @default 5000 */
  timeoutMs?: number;
}): IdTokenVerifier {
  const url = new URL(LINE_ID_TOKEN_VERIFY_PATH, apiBaseUrl).toString();
  return {
    async verify({ idToken, clientId }) {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ id_token: idToken, client_id: clientId }).toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        throw createIdTokenVerifierUnavailableError({ cause });
      }
      if (response.status === 400 || response.status === 401) {
        const body = (await response.json().catch(() => ({}))) as { error_description?: string };
        throw createIdTokenInvalidError({ details: { reason: body.error_description ?? 'rejected' } });
      }
      if (!response.ok) throw createIdTokenVerifierUnavailableError({ details: { status: response.status } });
      const claims = (await response.json()) as Partial<VerifiedIdToken> & { aud?: string | string[] };
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (
        typeof claims.sub !== 'string' ||
        !claims.sub ||
        !audiences.includes(clientId) ||
        typeof claims.exp !== 'number'
      ) {
        throw createIdTokenInvalidError({ details: { reason: 'unexpected claims' } });
      }
      return { sub: claims.sub, aud: clientId, exp: claims.exp, name: claims.name, picture: claims.picture };
    },
  };
}

/**
 * Remembers verified tokens until they expire, so a page that makes ten API calls costs one round trip
 * to LINE. Only successes are cached (a rejected token is asked again: it costs the attacker, not us).
 * Keyed by client id + token, so a token verified for one channel is never accepted for another.
 */
export function createCachedIdTokenVerifier({
  verifier,
  clock,
  maxEntries = 10_000,
}: {
  verifier: IdTokenVerifier;
  clock: Clock;
  /** @default 10000 */
  maxEntries?: number;
}): IdTokenVerifier & { size: () => number } {
  const cache = new Map<string, VerifiedIdToken>();
  return {
    size: () => cache.size,
    async verify({ idToken, clientId }) {
      const key = `${clientId}\u0000${idToken}`;
      const nowSeconds = clock.now().getTime() / 1000;
      const cached = cache.get(key);
      if (cached) {
        if (cached.exp > nowSeconds) return cached;
        cache.delete(key);
      }
      const verified = await verifier.verify({ idToken, clientId });
      if (verified.exp <= nowSeconds) throw createIdTokenInvalidError({ details: { reason: 'expired' } });
      if (cache.size >= maxEntries) {
        // Map keeps insertion order: drop the oldest entry.
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(key, verified);
      return verified;
    },
  };
}
