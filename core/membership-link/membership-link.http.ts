import { createErrorFactory } from '../shared/errors.js';
import type { ExternalMembership, MembershipDirectory } from './membership-link.types.js';

export const createMembershipDirectoryUnavailableError = createErrorFactory({
  message: 'The brand membership system is not reachable right now',
  code: 'membership.directory_unavailable',
  statusCode: 503,
});

/**
 * The HTTP adapter: `POST {baseUrl}/v1/brands/{brandSlug}/memberships/lookup` with `{ memberNo, phone }`
 * and a bearer key; 200 `{ memberNo, tier? }` when both match, 404 when not. The phone is sent, never
 * returned, so the directory confirms ownership without disclosing anyone's phone.
 */
export function createHttpMembershipDirectory({
  baseUrl,
  apiKey,
  fetchImpl = fetch,
  timeoutMs = 5_000,
}: {
  baseUrl: string;
  apiKey: string | undefined;
  fetchImpl?: typeof fetch;
  /** @default 5000 */
  timeoutMs?: number;
}): MembershipDirectory {
  return {
    async findMembership({ brandSlug, memberNo, phone }) {
      const url = new URL(`/v1/brands/${encodeURIComponent(brandSlug)}/memberships/lookup`, baseUrl);
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          },
          body: JSON.stringify({ memberNo, phone }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        throw createMembershipDirectoryUnavailableError({ cause });
      }
      if (response.status === 404) return undefined;
      if (!response.ok)
        throw createMembershipDirectoryUnavailableError({ details: { status: response.status } });
      const body = (await response.json()) as Partial<ExternalMembership>;
      if (typeof body.memberNo !== 'string') throw createMembershipDirectoryUnavailableError();
      return { memberNo: body.memberNo, tier: typeof body.tier === 'string' ? body.tier : undefined };
    },
  };
}
