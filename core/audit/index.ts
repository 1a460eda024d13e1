export { auditLog } from './audit.table.js';
export type {
  AuditActorType,
  AuditCursor,
  AuditEntry,
  AuditEntryInput,
  AuditFilters,
} from './audit.models.js';
export {
  AUDIT_PAGE_SIZE,
  listAuditEntries,
  listAuditFacets,
  recordAudit,
  recordConsoleAction,
  type ConsoleAuditActor,
} from './audit.usecases.js';
export { createAuditCursorInvalidError } from './audit.errors.js';
