import type { ComponentType } from 'preact';
import type { ShellMessageKey } from './messages';
import type { ConsolePermission } from './permissions';

/** What a page component gets: the path's `:params` and the query string. */
export type PageProps = { params: Record<string, string>; query: URLSearchParams };

export type ConsoleRoute = {
  /** Without the `/console` base; `:name` segments become `params.name`. */
  path: string;
  /** The permission the page needs on the current brand (the server checks its APIs again). */
  permission: ConsolePermission;
  /** Shown in the navigation, in this order, under this label (a key of the shell's catalog). */
  nav?: ShellMessageKey;
  /** The page's module, loaded the first time it is opened (its own chunk). */
  load: () => Promise<{ default: ComponentType<PageProps> }>;
};

/**
 * Every page of the console. Add yours here (see console-app/README.md): one entry, a lazy `load`, the
 * permission from core/console/console.permissions.ts. The first route the user may open is the home.
 */
export const routes: ConsoleRoute[] = [
  { path: '/review', nav: 'nav.review', permission: 'review.read', load: () => import('./pages/review') },
  {
    path: '/campaigns',
    nav: 'nav.campaigns',
    permission: 'campaigns.read',
    load: () => import('./pages/campaigns'),
  },
  { path: '/rewards', nav: 'nav.rewards', permission: 'rewards.read', load: () => import('./pages/rewards') },
  { path: '/draws', nav: 'nav.draws', permission: 'draws.read', load: () => import('./pages/draws') },
  { path: '/members', nav: 'nav.members', permission: 'members.read', load: () => import('./pages/members') },
  { path: '/members/:memberId', permission: 'members.read', load: () => import('./pages/members') },
  {
    path: '/analytics',
    nav: 'nav.analytics',
    permission: 'analytics.read',
    load: () => import('./pages/analytics'),
  },
  {
    path: '/broadcasts',
    nav: 'nav.broadcasts',
    permission: 'broadcasts.read',
    load: () => import('./pages/broadcasts'),
  },
  { path: '/team', nav: 'nav.team', permission: 'team.manage', load: () => import('./pages/team') },
  {
    path: '/settings',
    nav: 'nav.settings',
    permission: 'settings.read',
    load: () => import('./pages/settings'),
  },
  { path: '/audit', nav: 'nav.audit', permission: 'audit.read', load: () => import('./pages/audit') },
];
