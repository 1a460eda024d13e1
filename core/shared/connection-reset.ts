/**
 * A request that failed because its connection was reset or closed under it — most often a keep-alive
 * connection the server closed as idle at the moment the client reused it (Node's servers close idle
 * connections after 5 s; a client whose event loop lags behind picks one the server is closing). The
 * request never got an answer; Node's fetch reports it as "fetch failed" with the socket error as cause.
 */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export function isConnectionReset(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && RESET_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Sends an idempotent request (a query, or a send carrying a retry key the receiver deduplicates by) and,
 * when its connection was reset, once more at once: the pool hands the retry a fresh connection. Any
 * other failure, or a second reset, is the caller's.
 */
export async function retryOnceOnReset<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!isConnectionReset(error)) throw error;
    return send();
  }
}
