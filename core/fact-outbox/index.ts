export { factOutboxLineItems, factOutboxMembers, factOutboxProofs } from './fact-outbox.table.js';
export {
  FOLD_BATCH,
  READER_FOLD_CHUNKS,
  foldDerivedFacts,
  foldPendingFacts,
} from './fact-outbox.usecases.js';
