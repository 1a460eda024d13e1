/** The LINE simulator's `/__sim` admin API (or any other of its paths) at `url`, answered as JSON. */
export function simAdminAt(url: () => string) {
  return (method: string, path: string, body?: unknown) =>
    fetch(`${url()}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((response) => response.json() as Promise<Record<string, unknown>>);
}
