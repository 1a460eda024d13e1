import { Router, type Response } from 'express';
import type { Services } from '../../core/app/build-services.js';
import {
  analyticsFilterSchema,
  analyzeBaskets,
  basketsQuerySchema,
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
import { buildConsoleGuard, consoleActorOf } from '../console/index.js';
import { parseConsoleInput } from '../console/console.parse.js';
import type { AppModule } from '../create-app.js';

/**
 * Analytics in the console: funnel, baskets, stores, regions, heatmap and cohorts (each with `campaign`,
 * `from`, `to`), and the product mapping (printed names → the brand's products).
 */
export function createAnalyticsModule(services: Services): AppModule {
  const guard = buildConsoleGuard(services);
  // Reads may go to a replica (ANALYTICS_DATABASE_URL); the product mapping writes to the main database.
  const db = services.analyticsDatabase?.db ?? services.database.db;
  const mainDb = services.database.db;
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
    res.json(await proofFunnel(db, filterOf(res, query)));
  });
  router.get('/api/console/analytics/baskets', read, async (req, res) => {
    const query = parseConsoleInput(basketsQuerySchema, req.query);
    res.json(
      await analyzeBaskets(db, filterOf(res, query), { minCount: query.minCount, limit: query.limit }),
    );
  });
  router.get('/api/console/analytics/stores', read, async (req, res) => {
    const query = parseConsoleInput(rankingQuerySchema, req.query);
    res.json(await rankStores(db, filterOf(res, query), { sort: query.sort, limit: query.limit }));
  });
  router.get('/api/console/analytics/regions', read, async (req, res) => {
    const query = parseConsoleInput(rankingQuerySchema, req.query);
    res.json(await rankRegions(db, filterOf(res, query), { sort: query.sort }));
  });
  router.get('/api/console/analytics/heatmap', read, async (req, res) => {
    const query = parseConsoleInput(analyticsFilterSchema, req.query);
    res.json(await purchaseHeatmap(db, filterOf(res, query)));
  });
  router.get('/api/console/analytics/cohorts', read, async (req, res) => {
    const query = parseConsoleInput(analyticsFilterSchema, req.query);
    res.json(await memberCohorts(db, filterOf(res, query)));
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
    const product = await saveProduct(mainDb, { brandId: consoleActorOf(res).brandId, ...body });
    res.status(201).json({ key: product.key, name: product.name });
  });
  router.post('/api/console/analytics/mappings', write, async (req, res) => {
    const body = parseConsoleInput(mappingBodySchema, req.body);
    const actor = consoleActorOf(res);
    res.json(await mapItemName(mainDb, { brandId: actor.brandId, ...body, mappedBy: actor.userId }));
  });
  router.delete('/api/console/analytics/mappings', write, async (req, res) => {
    const body = parseConsoleInput(mappingBodySchema.pick({ itemName: true }), req.body);
    res.json(await unmapItemName(mainDb, { brandId: consoleActorOf(res).brandId, itemName: body.itemName }));
  });

  return { json: router };
}
