export { draws, drawWinners, lotteryEntries, type DrawPrize } from './draws.table.js';
export {
  canonicalizeEntries,
  computeEntriesDigest,
  computeSeedHash,
  createDrawRandom,
  drawWinners as computeDrawWinners,
  DRAW_ALGORITHM_VERSION,
  pseudonymizeMember,
  RESERVE_PRIZE_KEY,
  validateDrawInput,
  type DrawPick,
  type DrawRules,
  type PublishedEntry,
} from './draws.algorithm.js';
export {
  DRAW_EXPORT_FORMAT,
  drawExportSchema,
  verifyDrawExport,
  type DrawExport,
  type DrawVerification,
} from './draws.export.js';
export {
  createDraw,
  exportDraw,
  forfeitWinner,
  getDrawOrThrow,
  getPublicDrawOrThrow,
  listMemberDraws,
  listWinners,
  notifyWinnerOnce,
  promoteReserveWinners,
  runDraw,
  toPublicDraw,
  type Draw,
  type DrawWinner,
  type MemberDrawView,
  type PublicDraw,
} from './draws.usecases.js';
export { getPublicDrawRecord, type PublicDrawPick, type PublicDrawRecord } from './draws.public.js';
export { computeScheduledPeriods, periodsToOpen, type ScheduledPeriod } from './schedule.models.js';
export {
  DEFAULT_OPEN_AHEAD_MS,
  scheduleAndRunDraws,
  type ScheduleAndRunDrawsResult,
} from './schedule.usecases.js';
export * from './draws.errors.js';
export {
  getConsoleDrawOrThrow,
  listConsoleDraws,
  type ConsoleDrawSummary,
  type ConsoleDrawWinner,
} from './draws-console.usecases.js';
export { listMemberDrawWins, winNeedsPaperwork, type MemberDrawWin } from './winners.usecases.js';
export {
  computePrizeTax,
  needsTaxPaperwork,
  winnerTaxDataSchema,
  HEALTH_PREMIUM_BP,
  NON_RESIDENT_WITHHOLDING_BP,
  RESIDENT_WITHHOLDING_BP,
  TAX_PAPERWORK_ABOVE_MINOR,
  WITHHOLDING_ABOVE_MINOR,
  type PrizeTax,
  type WinnerTaxData,
} from './winner-tax.models.js';
export {
  buildTaxDataCipher,
  createTaxDataCipher,
  parseTaxDataKey,
  LOCAL_TAX_DATA_KEY_FILE,
  type SealedTaxData,
  type TaxDataCipher,
} from './winner-tax.crypto.js';
export {
  getDrawTaxReport,
  setDrawPermit,
  submitWinnerTaxData,
  type WinnerTaxRow,
} from './winner-tax.usecases.js';
