import { createErrorFactory } from '../shared/errors.js';

export const createProductNotFoundError = createErrorFactory({
  message: 'No such product: create it first (POST /api/console/analytics/products)',
  code: 'analytics.product_not_found',
  statusCode: 404,
});

export const createExportJobNotFoundError = createErrorFactory({
  message: 'No such export',
  code: 'analytics.export_not_found',
  statusCode: 404,
});

export const createExportLinkExpiredError = createErrorFactory({
  message: 'This download link has expired: run the export again',
  code: 'analytics.export_link_expired',
  statusCode: 410,
});
