export { factOutboxMembers, factOutboxProofs } from './fact-outbox.table.js';
export { FOLD_BATCH, foldDerivedFacts, foldPendingFacts } from './fact-outbox.usecases.js';
