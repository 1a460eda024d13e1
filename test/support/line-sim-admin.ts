import { isConnectionReset } from '../../core/shared/connection-reset.js';

/**
 * The LINE simulator's `/__sim` admin API (or any other of its paths) at `url`, answered as JSON. A read
 * (GET) that finds its kept-alive connection closed under it — the simulator's idle time-out firing as a
 * lagging test picks the connection ("fetch failed", ECONNRESET / `other side closed`) — is asked once
 * more on a new one: the read changes nothing, and the test is about what it reads, not the socket.
 * (fetch's errors come from Node's realm, not the test file's: `instanceof TypeError` is false under jest,
 * so the check reads codes, as core's does.)
 */
export function simAdminAt(url: () => string) {
  const ask = (method: string, path: string, body?: unknown) =>
    fetch(`${url()}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return async (method: string, path: string, body?: unknown) => {
    let response: Response;
    try {
      response = await ask(method, path, body);
    } catch (error) {
      if (method !== 'GET' || !isConnectionReset(error)) throw error;
      response = await ask(method, path, body);
    }
    return (await response.json()) as Record<string, unknown>;
  };
}
