import { signal } from '@preact/signals';

/** Where the app is served (`/console/`); routes are written without it (`/review`, `/members/:id`). */
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

function currentLocation() {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return { path: path || '/', search: location.search };
}

/** The app's location: path without the base, and the query string. */
export const appLocation = signal(currentLocation());

window.addEventListener('popstate', () => {
  appLocation.value = currentLocation();
});

/** The browser URL of an app path (`/members/mbr_1` → `/console/members/mbr_1`). */
export function hrefOf(path: string): string {
  return `${BASE}${path.startsWith('/') ? path : `/${path}`}`;
}

export function navigate(path: string, { replace = false }: { replace?: boolean } = {}) {
  const href = hrefOf(path);
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  appLocation.value = currentLocation();
}

/** Changes the query string (filters, the open item) without a new history entry. */
export function setQuery(query: Record<string, string | undefined>, { replace = true } = {}) {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const search = params.toString();
  const path = `${appLocation.value.path}${search ? `?${search}` : ''}`;
  navigate(path, { replace });
}

/** `/members/:memberId` against `/members/mbr_1` → `{ memberId: 'mbr_1' }`; undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index] as string;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (part !== actual) return undefined;
  }
  return params;
}

/** Whether a click should stay in the app (plain left click, no modifier, same tab). */
export function isPlainClick(event: MouseEvent): boolean {
  return (
    event.button === 0 &&
    !event.metaKey &&
    !event.ctrlKey &&
    !event.shiftKey &&
    !event.altKey &&
    !event.defaultPrevented
  );
}
