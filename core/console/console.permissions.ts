import type { ConsoleRole } from './console.table.js';

const EVERYONE = ['owner', 'marketer', 'reviewer', 'viewer'] as const satisfies readonly ConsoleRole[];
const RUNS_CAMPAIGNS = ['owner', 'marketer'] as const satisfies readonly ConsoleRole[];
const READS_RESULTS = ['owner', 'marketer', 'viewer'] as const satisfies readonly ConsoleRole[];
const REVIEWS = ['owner', 'reviewer'] as const satisfies readonly ConsoleRole[];
const OWNS = ['owner'] as const satisfies readonly ConsoleRole[];

/**
 * What each console role may do on its brand: the one matrix every console route checks on the server
 * (the console app only hides what the server refuses anyway). README.md prints it; a test calls every
 * console route as each role and as another brand's owner.
 *
 * - owner: everything, and alone manages the team, the brand's settings and channels, the audit log, the
 *   erasure of members, their contact data in exports and the winners' tax data.
 * - marketer: runs campaigns, rewards, draws, segments, broadcasts, analytics and exports.
 * - reviewer: works the review queue (photos and the fields read from them) and looks members up.
 * - viewer: reads campaigns, results and reports; changes nothing.
 */
export const CONSOLE_PERMISSIONS = {
  'review.read': REVIEWS,
  'review.decide': REVIEWS,
  'campaigns.read': EVERYONE,
  'campaigns.write': RUNS_CAMPAIGNS,
  'rewards.read': READS_RESULTS,
  'rewards.write': RUNS_CAMPAIGNS,
  'draws.read': READS_RESULTS,
  'draws.run': RUNS_CAMPAIGNS,
  'winners.tax': OWNS,
  'members.read': EVERYONE,
  'members.write': RUNS_CAMPAIGNS,
  'members.erase': OWNS,
  /** Members' contact data (name, phone, e-mail, birthday, membership number) in exports. */
  'members.contact': OWNS,
  'analytics.read': READS_RESULTS,
  'exports.run': RUNS_CAMPAIGNS,
  'segments.read': READS_RESULTS,
  'segments.write': RUNS_CAMPAIGNS,
  'broadcasts.read': READS_RESULTS,
  'broadcasts.send': RUNS_CAMPAIGNS,
  'team.manage': OWNS,
  'settings.read': RUNS_CAMPAIGNS,
  'settings.write': OWNS,
  'audit.read': OWNS,
} as const satisfies Record<string, readonly ConsoleRole[]>;

export type ConsolePermission = keyof typeof CONSOLE_PERMISSIONS;

export const CONSOLE_PERMISSION_NAMES = Object.keys(CONSOLE_PERMISSIONS) as ConsolePermission[];

export function can(role: ConsoleRole, permission: ConsolePermission): boolean {
  return (CONSOLE_PERMISSIONS[permission] as readonly ConsoleRole[]).includes(role);
}

/** The permissions of a role, for the console app (which pages and buttons to show). */
export function permissionsOf(role: ConsoleRole): ConsolePermission[] {
  return CONSOLE_PERMISSION_NAMES.filter((permission) => can(role, permission));
}
