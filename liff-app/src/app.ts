import type { Me } from './api.js';

/** What every page gets: the member's summary, a way to reload it, and navigation. */
export type AppContext = {
  me: Me;
  refresh: () => Promise<Me>;
  go: (route: string) => void;
  /** A message shown at the top of the next page rendered (e.g. after a redirect). */
  notify: (kind: 'ok' | 'error' | 'info', text: string) => void;
  /** `liff.scanCodeV2` when the LINE client supports it. */
  scan?: () => Promise<string | null>;
};

export type Page = (context: AppContext) => Promise<HTMLElement>;
