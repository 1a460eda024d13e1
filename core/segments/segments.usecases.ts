import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import type { Database, Executor } from '../db/database.js';
import { listRegions } from '../regions/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { ConditionContext } from './segments.conditions.js';
import { createSegmentBrandNotFoundError, createSegmentNotFoundError } from './segments.errors.js';
import { createSegmentsRepository, type Segment, type SegmentSampleMember } from './segments.repository.js';
import type { SegmentCondition } from './segments.schemas.js';

export type SegmentsDeps = { db: Executor; clock: Clock; generateId: IdGenerator };

/** How many members a sample shows (the console's preview list). */
export const SEGMENT_SAMPLE_SIZE = 20;

export type SegmentCount = {
  /** Members the brand may message: following, with the marketing consent its country requires, not erased. */
  count: number;
  /** Members the condition selects that cannot be messaged (blocked or without consent). */
  excluded: number;
};

async function contextOf(deps: SegmentsDeps, brandId: string): Promise<ConditionContext> {
  const ctx = await createSegmentsRepository(deps).getBrandContext(brandId, deps.clock.now());
  if (!ctx) throw createSegmentBrandNotFoundError();
  return ctx;
}

/** The live count of a condition (while it is being edited), and a sample of members it reaches. */
export async function previewCondition(
  deps: SegmentsDeps,
  { brandId, condition, sample = true }: { brandId: string; condition: SegmentCondition; sample?: boolean },
): Promise<SegmentCount & { sample: SegmentSampleMember[] | undefined }> {
  const ctx = await contextOf(deps, brandId);
  const repository = createSegmentsRepository(deps);
  const { count, matched } = await repository.countMembers(condition, ctx);
  return {
    count,
    excluded: matched - count,
    sample: sample ? await repository.sampleMembers(condition, ctx, SEGMENT_SAMPLE_SIZE) : undefined,
  };
}

export async function createSegment(
  deps: SegmentsDeps,
  {
    actor,
    ...input
  }: {
    brandId: string;
    name: string;
    condition: SegmentCondition;
    createdBy?: string;
    /** The console user saving it: audited in the same transaction. */
    actor?: ConsoleAuditActor | undefined;
  },
): Promise<{ segment: Segment; count: number }> {
  const ctx = await contextOf(deps, input.brandId);
  const segment = await (deps.db as Database).transaction(async (tx) => {
    const saved = await createSegmentsRepository({ ...deps, db: tx }).insertSegment({
      ...input,
      createdBy: input.createdBy,
      at: ctx.now,
    });
    if (actor)
      await recordConsoleAction(tx, deps, actor, {
        action: 'segment.created',
        targetType: 'segment',
        targetId: saved.id,
        data: { name: saved.name },
      });
    return saved;
  });
  const { count } = await createSegmentsRepository(deps).countMembers(input.condition, ctx);
  return { segment, count };
}

/**
 * Renames a saved segment and/or replaces its condition, audited in the same transaction. Broadcasts already
 * made from it keep the condition they were made with.
 */
export async function updateSegment(
  deps: SegmentsDeps,
  {
    brandId,
    segmentId,
    name,
    condition,
    actor,
  }: {
    brandId: string;
    segmentId: string;
    name?: string | undefined;
    condition?: SegmentCondition | undefined;
    actor?: ConsoleAuditActor | undefined;
  },
): Promise<{ segment: Segment; count: number }> {
  const ctx = await contextOf(deps, brandId);
  const segment = await (deps.db as Database).transaction(async (tx) => {
    const repository = createSegmentsRepository({ ...deps, db: tx });
    const before = await repository.getSegment(brandId, segmentId);
    const saved =
      before && (await repository.updateSegment(brandId, segmentId, { name, condition, at: ctx.now }));
    if (!before || !saved) throw createSegmentNotFoundError();
    if (actor)
      await recordConsoleAction(tx, deps, actor, {
        action: 'segment.updated',
        targetType: 'segment',
        targetId: saved.id,
        data: {
          name: saved.name,
          ...(name !== undefined && name !== before.name ? { previousName: before.name } : {}),
          conditionChanged: condition !== undefined,
        },
      });
    return saved;
  });
  const { count } = await createSegmentsRepository(deps).countMembers(
    segment.filter as unknown as SegmentCondition,
    ctx,
  );
  return { segment, count };
}

/**
 * Deletes a saved segment from the marketers' view: it leaves the lists and cannot start a new broadcast.
 * The row stays (archived) because broadcasts made from it still name it.
 */
export async function deleteSegment(
  deps: SegmentsDeps,
  {
    brandId,
    segmentId,
    actor,
  }: { brandId: string; segmentId: string; actor?: ConsoleAuditActor | undefined },
): Promise<void> {
  await (deps.db as Database).transaction(async (tx) => {
    const archived = await createSegmentsRepository({ ...deps, db: tx }).archiveSegment(
      brandId,
      segmentId,
      deps.clock.now(),
    );
    if (!archived) throw createSegmentNotFoundError();
    if (actor)
      await recordConsoleAction(tx, deps, actor, {
        action: 'segment.deleted',
        targetType: 'segment',
        targetId: archived.id,
        data: { name: archived.name },
      });
  });
}

export async function getSegmentOrThrow(
  deps: SegmentsDeps,
  { brandId, segmentId }: { brandId: string; segmentId: string },
) {
  const segment = await createSegmentsRepository(deps).getSegment(brandId, segmentId);
  if (!segment) throw createSegmentNotFoundError();
  return { segment, condition: segment.filter as unknown as SegmentCondition };
}

export async function countSegment(
  deps: SegmentsDeps,
  { brandId, segmentId }: { brandId: string; segmentId: string },
): Promise<SegmentCount> {
  const { condition } = await getSegmentOrThrow(deps, { brandId, segmentId });
  const { count, excluded } = await previewCondition(deps, { brandId, condition, sample: false });
  return { count, excluded };
}

export async function sampleSegment(
  deps: SegmentsDeps,
  { brandId, segmentId }: { brandId: string; segmentId: string },
): Promise<SegmentSampleMember[]> {
  const { condition } = await getSegmentOrThrow(deps, { brandId, segmentId });
  const ctx = await contextOf(deps, brandId);
  return createSegmentsRepository(deps).sampleMembers(condition, ctx, SEGMENT_SAMPLE_SIZE);
}

export async function listSegments(deps: SegmentsDeps, { brandId }: { brandId: string }) {
  return createSegmentsRepository(deps).listSegments(brandId);
}

/** What the segment builder offers: the brand's country, its regions, and its members' tags. */
export async function getSegmentOptions(deps: SegmentsDeps, { brandId }: { brandId: string }) {
  const ctx = await contextOf(deps, brandId);
  return {
    country: ctx.country,
    regions: listRegions(ctx.country).map(({ code, names }) => ({ code, names })),
    tags: await createSegmentsRepository(deps).listTags(brandId),
  };
}
