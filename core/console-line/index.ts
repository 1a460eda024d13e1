export { consoleLineLinks } from './console-line.table.js';
export { startLineLinkBodySchema, verifyLineLinkBodySchema } from './console-line.schemas.js';
export {
  brandChannelOf,
  getConsoleLineLink,
  lockVerifiedLineUser,
  startConsoleLineLink,
  unlinkConsoleLine,
  verifyConsoleLineLink,
  type ConsoleLineDeps,
  type ConsoleLineLink,
} from './console-line.usecases.js';
export {
  createConsoleLineCodeInvalidError,
  createConsoleLineNotLinkedError,
  createConsoleLineTooSoonError,
} from './console-line.errors.js';
export { CODE_MAX_ATTEMPTS, CODE_TTL_MS } from './console-line.models.js';
