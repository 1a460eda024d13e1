export { segments } from './segments.table.js';
export {
  AGE_BANDS,
  countConditionBodySchema,
  createSegmentBodySchema,
  updateSegmentBodySchema,
  segmentConditionSchema,
  type AgeBand,
  type LeafCondition,
  type SegmentCondition,
} from './segments.schemas.js';
export {
  compileCondition,
  exclusionReasonSql,
  localDateDaysAgo,
  marketingConsentSql,
  matchingMembersWhere,
  reachableMembersWhere,
  regionSpellings,
  type ConditionContext,
} from './segments.conditions.js';
export { createSegmentNotFoundError } from './segments.errors.js';
export { createSegmentsRepository, type Segment, type SegmentSampleMember } from './segments.repository.js';
export {
  countSegment,
  createSegment,
  deleteSegment,
  updateSegment,
  getSegmentOptions,
  getSegmentOrThrow,
  listSegments,
  previewCondition,
  sampleSegment,
  SEGMENT_SAMPLE_SIZE,
  type SegmentCount,
  type SegmentsDeps,
} from './segments.usecases.js';
