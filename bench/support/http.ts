/** Small HTTP helpers for benchmarks that drive the simulators' admin APIs. */

export async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function putJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns a value (not undefined); throws after `timeoutMs`. */
/** A probe that never answered in time: the only failure a bench's wait may read as "timed out". */
export class WaitTimedOut extends Error {}

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 600_000, everyMs = 20 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new WaitTimedOut(`timed out after ${timeoutMs} ms waiting for the bot`);
    await sleep(everyMs);
  }
}
