import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import type { Services } from '../../core/app/build-services.js';
import { buildBlobStore, type BlobStore } from '../../core/blobs/index.js';
import {
  analyticsFilterSchema,
  analyzeBaskets,
  basketsQuerySchema,
  exportDownloadQuerySchema,
  exportJobView,
  exportRequestSchema,
  getExportJobOrThrow,
  listExportJobs,
  openExportDownload,
  requestExport,
  listProducts,
  listUnmappedNames,
  mapItemName,
  mappingBodySchema,
  memberCohorts,
  productBodySchema,
  proofFunnel,
  purchaseHeatmap,
  rankingQuerySchema,
  rankRegions,
  rankStores,
  saveProduct,
  unmapItemName,
  unmappedQuerySchema,
  type AnalyticsFilter,
} from '../../core/analytics/index.js';
import { can } from '../../core/console/index.js';
import { buildConsoleGuard, consoleActorOf } from '../console/index.js';
import { parseConsoleInput } from '../console/console.parse.js';
import type { AppModule } from '../create-app.js';

const fallbackStores = new WeakMap<Services, BlobStore>();
/** The services' blob store (hand-built test services may lack one: the config's store then). */
export function blobStoreOf(services: Services): BlobStore {
  if (services.blobStore) return services.blobStore;
  let store = fallbackStores.get(services);
  if (!store) fallbackStores.set(services, (store = buildBlobStore(services.config)));
  return store;
}

/**
 * Analytics in the console: funnel, baskets, stores, regions, heatmap and cohorts (each with `campaign`,
 * `from`, `to`), the product mapping (printed names → the brand's products), and exports (line items,
 * submissions, members, survey answers, draw winners) run as
 * background jobs with an expiring download link.
 */
export function createAnalyticsModule(services: Services): AppModule {
  const guard = buildConsoleGuard(services);
  // Reads may go to a replica (ANALYTICS_DATABASE_URL); the product mapping writes to the main database.
  const db = services.analyticsDatabase?.db ?? services.database.db;
  const mainDb = services.database.db;
  // The funnel and the cohorts read rollups the derived-facts outbox feeds: the queries fold what is
  // pending on the main database before they read (the replica then lags as it does for everything else).
  const primary = { primary: mainDb };
  const auditOf = (res: Response) => {
    const { brandId, userId, email } = consoleActorOf(res);
    return {
      actor: { brandId, userId, email },
      clock: services.clock,
      generateId: services.generateId,
    };
  };
  const router = Router();
  const read = guard.require('analytics.read');
  const filterOf = (
    res: Response,
    query: { campaign?: string; from?: string; to?: string },
  ): AnalyticsFilter => ({
    brandId: consoleActorOf(res).brandId,
    ...(query.campaign ? { campaignId: query.campaign } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
  });

  router.get('/api/console/analytics/funnel', read, async (req, res) => {
    const query = parseConsoleInput(analyticsFilterSchema, req.query);
    res.json(await proofFunnel(db, filterOf(res, query), primary));
  });
  router.get('/api/console/analytics/baskets', read, async (req, res) => {
    const query = parseConsoleInput(basketsQuerySchema, req.query);
    res.json(
      await analyzeBaskets(db, filterOf(res, query), {
        minCount: query.minCount,
        limit: query.limit,
        ...primary,
      }),
    );
  });
  router.get('/api/console/analytics/stores', read, async (req, res) => {
    const query = parseConsoleInput(rankingQuerySchema, req.query);
    res.json(
      await rankStores(db, filterOf(res, query), { sort: query.sort, limit: query.limit, ...primary }),
    );
  });
  router.get('/api/console/analytics/regions', read, async (req, res) => {
    const query = parseConsoleInput(rankingQuerySchema, req.query);
    res.json(await rankRegions(db, filterOf(res, query), { sort: query.sort, ...primary }));
  });
  router.get('/api/console/analytics/heatmap', read, async (req, res) => {
    const query = parseConsoleInput(analyticsFilterSchema, req.query);
    res.json(await purchaseHeatmap(db, filterOf(res, query), primary));
  });
  router.get('/api/console/analytics/cohorts', read, async (req, res) => {
    const query = parseConsoleInput(analyticsFilterSchema, req.query);
    res.json(await memberCohorts(db, filterOf(res, query), primary));
  });

  router.get('/api/console/analytics/products', read, async (_req, res) => {
    res.json({ products: await listProducts(db, { brandId: consoleActorOf(res).brandId }) });
  });
  router.get('/api/console/analytics/unmapped-names', read, async (req, res) => {
    const query = parseConsoleInput(unmappedQuerySchema, req.query);
    res.json({
      names: await listUnmappedNames(db, { brandId: consoleActorOf(res).brandId, limit: query.limit }),
    });
  });
  const write = guard.require('campaigns.write');
  router.post('/api/console/analytics/products', write, async (req, res) => {
    const body = parseConsoleInput(productBodySchema, req.body);
    const product = await saveProduct(mainDb, {
      brandId: consoleActorOf(res).brandId,
      ...body,
      audit: auditOf(res),
    });
    res.status(201).json({ key: product.key, name: product.name });
  });
  router.post('/api/console/analytics/mappings', write, async (req, res) => {
    const body = parseConsoleInput(mappingBodySchema, req.body);
    const actor = consoleActorOf(res);
    res.json(
      await mapItemName(mainDb, {
        brandId: actor.brandId,
        ...body,
        mappedBy: actor.userId,
        audit: auditOf(res),
      }),
    );
  });
  router.delete('/api/console/analytics/mappings', write, async (req, res) => {
    const body = parseConsoleInput(mappingBodySchema.pick({ itemName: true }), req.body);
    res.json(
      await unmapItemName(mainDb, {
        brandId: consoleActorOf(res).brandId,
        itemName: body.itemName,
        audit: auditOf(res),
      }),
    );
  });

  const exporter = guard.require('exports.run');
  router.post('/api/console/analytics/exports', exporter, async (req, res) => {
    const body = parseConsoleInput(exportRequestSchema, req.body);
    const actor = consoleActorOf(res);
    const job = await requestExport(
      { db: mainDb, clock: services.clock, generateId: services.generateId },
      {
        kind: body.kind,
        filter: filterOf(res, body),
        format: body.format,
        contact: can(actor.role, 'members.contact'),
        requestedBy: actor.userId,
        audit: { actor: { brandId: actor.brandId, userId: actor.userId, email: actor.email } },
      },
    );
    res.status(202).json({ job: exportJobView(job, services.clock.now()) });
  });
  router.get('/api/console/analytics/exports', exporter, async (_req, res) => {
    const jobs = await listExportJobs(mainDb, { brandId: consoleActorOf(res).brandId });
    const now = services.clock.now();
    res.json({ jobs: jobs.map((job) => exportJobView(job, now)) });
  });
  router.get('/api/console/analytics/exports/:jobId', exporter, async (req, res) => {
    const job = await getExportJobOrThrow(mainDb, {
      brandId: consoleActorOf(res).brandId,
      jobId: String(req.params.jobId),
    });
    res.json({ job: exportJobView(job, services.clock.now()) });
  });
  // The link itself is the credential (a random token, until the job's expiry): it opens in a new tab or
  // a download manager without the console's brand header.
  router.get('/api/exports/:jobId/download', async (req, res) => {
    const { token } = parseConsoleInput(exportDownloadQuerySchema, req.query);
    const file = await openExportDownload(
      { db: mainDb, blobStore: blobStoreOf(services), clock: services.clock },
      { jobId: String(req.params.jobId), token },
    );
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
    res.setHeader('cache-control', 'private, no-store');
    await pipeline(file.body, res);
  });

  return { json: router };
}
