import { parseArgs } from 'node:util';
import { createBrandsRepository } from '../../core/brands/index.js';
import { createEventsRepository } from '../../core/events/index.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

export const eventsCommand: Command = {
  name: 'events',
  usage: 'events list-failed|retry',
  summary: 'LINE webhook events the worker parked as failed: list them, or put them back in the queue.',
  help: [
    '  list-failed [--brand SLUG] [--limit N]   failed events with their error',
    '  retry --all | retry ID…                   queue failed events again (a fresh set of attempts)',
  ].join('\n'),
  run: async ([sub, ...argv]) => {
    if (sub !== 'list-failed' && sub !== 'retry') {
      console.error(`proofline events: unknown subcommand "${sub ?? ''}" (list-failed, retry)`);
      return 2;
    }
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          brand: { type: 'string' },
          limit: { type: 'string', default: '50' },
          all: { type: 'boolean' },
        },
      });
    } catch (error) {
      console.error(`proofline events: ${(error as Error).message}`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (sub === 'retry' && !values.all && positionals.length === 0) {
      console.error('proofline events retry: give event ids (evt_…) or --all');
      return 2;
    }
    return withCliServices({ migrate: true }, async (services) => {
      const repository = createEventsRepository({
        db: services.database.db,
        generateId: services.generateId,
      });
      if (sub === 'retry') {
        const count = await repository.retryFailed({
          ids: values.all ? undefined : positionals,
          now: services.clock.now(),
        });
        console.log(`queued ${count} event(s) again`);
        return 0;
      }
      const brand = values.brand
        ? await createBrandsRepository({
            db: services.database.db,
            generateId: services.generateId,
          }).getBrandBySlug(values.brand)
        : undefined;
      if (values.brand && !brand) {
        console.error(`proofline events: no brand "${values.brand}"`);
        return 1;
      }
      const failed = await repository.listFailed({ brandId: brand?.id, limit: Number(values.limit) || 50 });
      for (const event of failed) {
        console.log(
          `${event.id}  ${event.receivedAt.toISOString()}  ${event.eventType}  ${event.webhookEventId}  attempts ${event.attempts}  ${event.lastError ?? ''}`,
        );
      }
      if (failed.length === 0) console.log('no failed events');
      return 0;
    });
  },
};
