import type { DevIdTokenMinter } from './index.js';

/**
 * Local mode's stand-in for LINE Login: asks the LINE simulator (`/__sim/…` admin API) to register a
 * fake user and mint an ID token for them, which the simulator's verify endpoint then accepts. Wired
 * only when LINE is simulated: a real LINE verify endpoint would reject these tokens anyway.
 */
export function createLineSimulatorIdTokenMinter({
  simulatorUrl,
  fetchImpl = fetch,
}: {
  simulatorUrl: string;
  fetchImpl?: typeof fetch;
}): DevIdTokenMinter {
  return async ({ clientId, userId, name, ttlSeconds }) => {
    const known = await fetchImpl(new URL('/__sim/users', simulatorUrl));
    const { users } = (await known.json()) as { users: { userId: string }[] };
    if (!users.some((user) => user.userId === userId)) {
      const created = await fetchImpl(new URL(`/__sim/users/${userId}`, simulatorUrl), {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: name ?? 'LIFF tester', language: 'zh-TW' }),
      });
      if (!created.ok) throw new Error(`LINE simulator refused the fake user (${created.status})`);
    }
    const response = await fetchImpl(new URL('/__sim/id-tokens', simulatorUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, clientId, ttlSeconds }),
    });
    if (!response.ok) throw new Error(`LINE simulator could not mint an ID token (${response.status})`);
    return ((await response.json()) as { idToken: string }).idToken;
  };
}
