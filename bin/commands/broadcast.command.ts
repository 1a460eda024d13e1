import { parseArgs } from 'node:util';
import {
  createBroadcast,
  createBroadcastBodySchema,
  deliverBroadcastChunks,
  getBroadcastReport,
  startBroadcast,
  trackedLinkBaseUrlOf,
} from '../../core/broadcasts/index.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import { buildLineMessenger } from '../../core/messaging/index.js';
import { isAppError } from '../../core/shared/errors.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

const HELP = `Usage:
  proofline broadcast send [--brand <slug|id>] --segment all|<segment id> --text "<text>" [--now]
                           [--mid-send wait|skip] [--wait]
      Sends a text message to a segment (\`all\`: every member the brand may message: following, with
      the marketing consent its country requires, not erased). --brand may be left out when there is
      one brand. --now sends even inside quiet hours (audited). --mid-send: when quiet hours begin while
      the broadcast is still sending, \`wait\` holds the chunks not yet sent until they end, \`skip\` drops
      them (counted in the report); default: the brand's setting (Settings → Broadcasts). --wait delivers
      the chunks in this process until each is sent or failed, then prints the broadcast; without it the
      workers of \`proofline start\` deliver them.`;

export const broadcastCommand: Command = {
  name: 'broadcast',
  usage: 'broadcast send',
  summary: 'Send a LINE broadcast to a segment (multicast in chunks, exactly once per member).',
  help: HELP,
  run: async (argv) => {
    const [sub, ...rest] = argv;
    if (sub !== 'send') {
      console.error(HELP);
      return 2;
    }
    let values: {
      brand?: string;
      segment?: string;
      text?: string;
      now?: boolean;
      wait?: boolean;
      'mid-send'?: string;
    };
    try {
      ({ values } = parseArgs({
        args: rest,
        options: {
          brand: { type: 'string' },
          segment: { type: 'string' },
          text: { type: 'string' },
          now: { type: 'boolean' },
          wait: { type: 'boolean' },
          'mid-send': { type: 'string' },
        },
      }));
    } catch (error) {
      console.error(`proofline broadcast send: ${(error as Error).message}`);
      return 2;
    }
    if (!values.segment || !values.text) {
      console.error('proofline broadcast send: --segment and --text are required');
      return 2;
    }
    const midSend = values['mid-send'];
    if (midSend !== undefined && midSend !== 'wait' && midSend !== 'skip') {
      console.error(`proofline broadcast send: --mid-send must be wait or skip, not "${midSend}"`);
      return 2;
    }
    return withCliServices({}, async (services) => {
      try {
        const brands = createBrandsRepository({ db: services.database.db, generateId: services.generateId });
        const all = await brands.listBrands();
        const brand = values.brand
          ? await brands.getBrandByRef(values.brand)
          : all.length === 1
            ? all[0]
            : undefined;
        if (!brand) {
          console.error(
            values.brand
              ? `proofline broadcast send: no brand "${values.brand}"`
              : `proofline broadcast send: there are ${all.length} brands; choose one with --brand`,
          );
          return 2;
        }
        const parsed = createBroadcastBodySchema.safeParse({
          ...(values.segment === 'all' ? { condition: { type: 'all' } } : { segmentId: values.segment }),
          messages: [{ type: 'text', text: values.text }],
          ignoreQuietHours: values.now ?? false,
          ...(midSend ? { quietHoursMidSend: midSend } : {}),
        });
        if (!parsed.success) {
          console.error(`proofline broadcast send: ${parsed.error.issues[0]?.message ?? 'invalid input'}`);
          return 2;
        }
        const messenger = buildLineMessenger(services.config);
        const deps = {
          db: services.database.db,
          clock: services.clock,
          generateId: services.generateId,
          logger: services.logger,
          messenger,
          trackedLinkBaseUrl: trackedLinkBaseUrlOf(services.config),
        };
        const actor = { userId: 'cli' };
        const { id } = await createBroadcast(deps, { brandId: brand.id, actor, input: parsed.data });
        await startBroadcast(deps, { brandId: brand.id, broadcastId: id, actor });
        let report = await getBroadcastReport(deps, { brandId: brand.id, broadcastId: id });
        while (values.wait && report.state === 'sending') {
          const summary = await deliverBroadcastChunks(deps, { limit: 8 });
          if (summary.sent + summary.failed + summary.retried === 0)
            await new Promise((r) => setTimeout(r, 500));
          report = await getBroadcastReport(deps, { brandId: brand.id, broadcastId: id });
        }
        console.log(JSON.stringify(report, null, 2));
        return report.state === 'failed' ? 1 : 0;
      } catch (error) {
        if (isAppError(error) && !error.isInternal) {
          console.error(`proofline broadcast send: ${error.code}: ${error.message}`);
          return 1;
        }
        throw error;
      }
    });
  },
};
