import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
// The export's own modules, not the capability's index nor the app's services: what the process loads it
// keeps for the whole export (1 M rows under 200 MB; `npm run bench -- exports`).
import { analyticsFilterSchema } from '../../core/analytics/analytics.schemas.js';
import { exportLineItems } from '../../core/analytics/exports.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import { generateId } from '../../core/shared/ids.js';
import { withCliDatabase } from './cli-database.js';
import type { Command } from './command.js';

const HELP = `Usage:
  proofline export line-items --brand <slug|id> [--campaign <id>] [--from yyyy-mm-dd --to yyyy-mm-dd]
                              --format csv|xlsx --out <file>
      One row per line item of the accepted proofs, columns: submission_id, purchased_at, store, seller_id,
      region, item_name, product, item_group, quantity, unit_price, amount, currency. Streamed page by page
      (memory stays flat); cells that a spreadsheet would read as a formula are prefixed with '.`;

export const exportCommand: Command = {
  name: 'export',
  usage: 'export line-items --brand <slug|id> --format csv|xlsx --out <file>',
  summary: 'Export analytics data (line items) as CSV or XLSX, streamed.',
  help: HELP,
  run: async (argv) => {
    const [sub, ...rest] = argv;
    let values: Record<string, string | undefined>;
    try {
      ({ values } = parseArgs({
        args: rest,
        options: {
          brand: { type: 'string' },
          campaign: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          format: { type: 'string' },
          out: { type: 'string' },
        },
      }));
    } catch (error) {
      console.error(`proofline export: ${(error as Error).message}`);
      return 2;
    }
    if (sub !== 'line-items') {
      console.error(HELP);
      return 2;
    }
    if (!values.brand || !values.out || (values.format !== 'csv' && values.format !== 'xlsx')) {
      console.error('proofline export line-items: --brand, --format csv|xlsx and --out are required');
      return 2;
    }
    const filter = analyticsFilterSchema.safeParse({
      campaign: values.campaign,
      from: values.from,
      to: values.to,
    });
    if (!filter.success) {
      const issue = filter.error.issues[0]!;
      console.error(`proofline export line-items: --${issue.path.join('.')} ${issue.message}`);
      return 2;
    }
    const { brand: brandRef, format, out } = values;
    return withCliDatabase({}, async ({ db }) => {
      const brand = await createBrandsRepository({ db, generateId }).getBrandByRef(brandRef);
      if (!brand) {
        console.error(`proofline export line-items: no brand "${brandRef}" (give its id or slug)`);
        return 1;
      }
      const { rows } = await exportLineItems({
        db,
        filter: {
          brandId: brand.id,
          ...(filter.data.campaign ? { campaignId: filter.data.campaign } : {}),
          ...(filter.data.from ? { from: filter.data.from } : {}),
          ...(filter.data.to ? { to: filter.data.to } : {}),
        },
        format,
        out: createWriteStream(out),
      });
      console.log(JSON.stringify({ rows, format, out }));
      return 0;
    });
  },
};
