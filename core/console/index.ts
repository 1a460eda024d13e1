export { consoleMemberships, consoleSessions, consoleUsers, type ConsoleRole } from './console.table.js';
export {
  canReview,
  CONSOLE_ROLES,
  hashPassword,
  hashSessionToken,
  MIN_PASSWORD_LENGTH,
  normalizeEmail,
  REVIEW_ROLES,
  verifyPassword,
} from './console.models.js';
export {
  can,
  CONSOLE_PERMISSION_NAMES,
  CONSOLE_PERMISSIONS,
  permissionsOf,
  type ConsolePermission,
} from './console.permissions.js';
export {
  createConsoleEmailTakenError,
  createConsoleUserDisabledError,
  createConsoleUserNotFoundError,
  createInvalidCredentialsError,
  createWeakPasswordError,
} from './console.errors.js';
export {
  addConsoleUserToBrand,
  countBrandConsoleMembers,
  createConsoleUser,
  disableConsoleUser,
  endConsoleSessionsOf,
  findConsoleUserByEmail,
  grantConsoleMembership,
  listConsoleMemberships,
  resolveConsoleSession,
  signInConsoleUser,
  signOutConsoleSession,
  startConsoleSession,
  type ConsoleDeps,
  type ConsoleMembership,
  type ConsoleSignedIn,
  type ConsoleUser,
} from './console.usecases.js';
