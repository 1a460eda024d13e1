import { parseArgs } from 'node:util';
import { backfillLineItems } from '../../core/analytics/index.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

const HELP = `Usage:
  proofline analytics backfill [--brand <slug|id>]
      Fills the line items of accepted proofs decided before analytics existed and drops rows of proofs no
      longer accepted (one short transaction per proof; safe to stop and run again).
  proofline analytics seed-synthetic --brand <slug|id> --invoices <n> --seed <s>
      Generates a synthetic purchase history (stores, regions, baskets with planted associations, time
      patterns) through the same tables, for demos and benchmarks.`;

export const analyticsCommand: Command = {
  name: 'analytics',
  usage: 'analytics backfill|seed-synthetic',
  summary: 'Analytics upkeep: backfill line items from accepted proofs, or seed a synthetic history.',
  help: HELP,
  run: async (argv) => {
    const [sub, ...rest] = argv;
    let values: { brand?: string; invoices?: string; seed?: string };
    try {
      ({ values } = parseArgs({
        args: rest,
        options: { brand: { type: 'string' }, invoices: { type: 'string' }, seed: { type: 'string' } },
      }));
    } catch (error) {
      console.error(`proofline analytics: ${(error as Error).message}`);
      return 2;
    }
    if (sub !== 'backfill' && sub !== 'seed-synthetic') {
      console.error(HELP);
      return 2;
    }
    const invoices = Number(values.invoices);
    if (sub === 'seed-synthetic' && (!values.brand || !Number.isInteger(invoices) || invoices < 1)) {
      console.error('proofline analytics seed-synthetic: --brand and --invoices <n ≥ 1> are required');
      return 2;
    }
    return withCliServices({}, async (services) => {
      const { db } = services.database;
      let brandId: string | undefined;
      if (values.brand) {
        const brand = await createBrandsRepository({ db, generateId: services.generateId }).getBrandByRef(
          values.brand,
        );
        if (!brand) {
          console.error(`proofline analytics ${sub}: no brand "${values.brand}" (give its id or slug)`);
          return 1;
        }
        brandId = brand.id;
      }
      if (sub === 'backfill') {
        const result = await backfillLineItems({ db, ...(brandId ? { brandId } : {}) });
        console.log(JSON.stringify(result));
        return 0;
      }
      const { seedSyntheticHistory } = await import('../../core/analytics/synthetic.usecases.js');
      const result = await seedSyntheticHistory({
        db,
        generateId: services.generateId,
        brandId: brandId as string,
        invoices,
        seed: values.seed ?? '1',
      });
      console.log(JSON.stringify(result));
      return 0;
    });
  },
};
