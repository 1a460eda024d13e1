/**
 * The permission names of the server's role matrix (core/console/console.permissions.ts): a type-only
 * import, so the console's routes and buttons name exactly the permissions the server checks.
 */
export type { ConsolePermission } from '../../core/console/console.permissions';
