import { Router } from 'express';
import type { Services } from '../../core/app/build-services.js';
import {
  countConditionBodySchema,
  countSegment,
  createSegment,
  createSegmentBodySchema,
  deleteSegment,
  getSegmentOptions,
  getSegmentOrThrow,
  listSegments,
  previewCondition,
  sampleSegment,
  type SegmentsDeps,
  updateSegment,
  updateSegmentBodySchema,
} from '../../core/segments/index.js';
import { buildConsoleGuard, consoleActorOf } from '../console/index.js';
import { parseConsoleInput } from '../console/console.parse.js';
import type { AppModule } from '../create-app.js';

/**
 * Segments in the console: save a condition, count it (live while editing, and per saved segment),
 * sample 20 members. Counts are of members the brand may message (following, consent, not erased).
 */
export function createSegmentsModule(services: Services): AppModule {
  const guard = buildConsoleGuard(services);
  const deps: SegmentsDeps = {
    db: services.database.db,
    clock: services.clock,
    generateId: services.generateId,
  };
  const router = Router();
  const brandOf = (res: Parameters<typeof consoleActorOf>[0]) => consoleActorOf(res).brandId;

  router.get('/api/console/segments', guard.require('segments.read'), async (_req, res) => {
    const segments = await listSegments(deps, { brandId: brandOf(res) });
    res.json({
      segments: segments.map((segment) => ({
        id: segment.id,
        name: segment.name,
        condition: segment.filter,
        createdAt: segment.createdAt,
      })),
    });
  });

  router.post('/api/console/segments', guard.require('segments.write'), async (req, res) => {
    const body = parseConsoleInput(createSegmentBodySchema, req.body);
    const { segment, count } = await createSegment(deps, {
      brandId: brandOf(res),
      name: body.name,
      condition: body.condition,
      createdBy: consoleActorOf(res).userId,
      actor: consoleActorOf(res),
    });
    res.status(201).json({ id: segment.id, count });
  });

  // The live count while a condition is edited (nothing saved).
  router.post('/api/console/segments/preview', guard.require('segments.read'), async (req, res) => {
    const body = parseConsoleInput(countConditionBodySchema, req.body);
    res.json(await previewCondition(deps, { brandId: brandOf(res), condition: body.condition }));
  });

  // The builder's choices: the brand's regions and its members' tags.
  router.get('/api/console/segments/options', guard.require('segments.read'), async (_req, res) => {
    res.json(await getSegmentOptions(deps, { brandId: brandOf(res) }));
  });

  router.get('/api/console/segments/:id', guard.require('segments.read'), async (req, res) => {
    const { segment } = await getSegmentOrThrow(deps, {
      brandId: brandOf(res),
      segmentId: String(req.params.id),
    });
    res.json({ id: segment.id, name: segment.name, condition: segment.filter, createdAt: segment.createdAt });
  });

  router.patch('/api/console/segments/:id', guard.require('segments.write'), async (req, res) => {
    const body = parseConsoleInput(updateSegmentBodySchema, req.body);
    const { segment, count } = await updateSegment(deps, {
      brandId: brandOf(res),
      segmentId: String(req.params.id),
      name: body.name,
      condition: body.condition,
      actor: consoleActorOf(res),
    });
    res.json({ id: segment.id, name: segment.name, condition: segment.filter, count });
  });

  // Deleted segments leave the lists; broadcasts made from them keep their own copy of the condition.
  router.delete('/api/console/segments/:id', guard.require('segments.write'), async (req, res) => {
    await deleteSegment(deps, {
      brandId: brandOf(res),
      segmentId: String(req.params.id),
      actor: consoleActorOf(res),
    });
    res.status(204).end();
  });

  router.get('/api/console/segments/:id/count', guard.require('segments.read'), async (req, res) => {
    const segmentId = String(req.params.id);
    res.json({ id: segmentId, ...(await countSegment(deps, { brandId: brandOf(res), segmentId })) });
  });

  router.get('/api/console/segments/:id/sample', guard.require('segments.read'), async (req, res) => {
    const segmentId = String(req.params.id);
    res.json({ id: segmentId, members: await sampleSegment(deps, { brandId: brandOf(res), segmentId }) });
  });

  return { json: router };
}
