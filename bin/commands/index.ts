import type { Command } from './command.js';

export type { Command };

/**
 * Every CLI command, loaded only when it runs: the registry holds what `--help` lists, and each
 * command's module (which may pull in OCR, image or LINE libraries) is imported on demand, so
 * `proofline invoice parse …` does not pay for `start`'s imports. A test checks each entry against
 * its module. Capabilities add theirs here.
 */
export type CommandEntry = Pick<Command, 'name' | 'usage' | 'summary'> & { load: () => Promise<Command> };

export const commands: CommandEntry[] = [
  {
    name: 'start',
    usage: 'start [--web-only | --worker-only | --prepare-only]',
    summary: 'Run Proofline: the web server and the worker (local mode with no credentials).',
    // The young generation is held small from before the app's modules load until the server is up
    // (start.command.ts releases it; core/shared/young-generation.ts).
    load: async () => {
      (await import('../../core/shared/young-generation.js')).holdYoungGenerationSmall();
      return (await import('./start.command.js')).startCommand;
    },
  },
  {
    name: 'migrate',
    usage: 'migrate',
    summary: 'Apply the database migrations (PGlite or DATABASE_URL) and exit.',
    load: async () => (await import('./migrate.command.js')).migrateCommand,
  },
  {
    name: 'seed-demo',
    usage: 'seed-demo',
    summary:
      'Create the demo brands (Taiwan demo-tea, Thai demo-th), their simulated LINE channels and running campaigns (idempotent).',
    load: async () => (await import('./seed-demo.command.js')).seedDemoCommand,
  },
  {
    name: 'config',
    usage: 'config <check|env-example>',
    summary: 'Check the environment, or print .env.example generated from the config schema.',
    load: async () => (await import('./config.command.js')).configCommand,
  },
  {
    name: 'invoice',
    usage: 'invoice parse|verify',
    summary: 'Parse Taiwan e-invoice proofs (QR, barcode, typed text); verify them with the MoF platform.',
    load: async () => (await import('./invoice.command.js')).invoiceCommand,
  },
  {
    name: 'receipt',
    usage: 'receipt read <image> [--as-of YYYY-MM-DD] … | receipt seller add|list --brand <id|slug> …',
    summary: 'Read a receipt photo (QR codes, then OCR) and print the structured result as JSON.',
    load: async () => (await import('./receipt.command.js')).receiptCommand,
  },
  {
    name: 'broadcast',
    usage: 'broadcast send',
    summary: 'Send a LINE broadcast to a segment (multicast in chunks, exactly once per member).',
    load: async () => (await import('./broadcast.command.js')).broadcastCommand,
  },
  {
    name: 'draw',
    usage: 'draw list|create|run|export|verify',
    summary: 'Open, run, export and independently verify auditable lottery draws.',
    load: async () => (await import('./draw.command.js')).drawCommand,
  },
  {
    name: 'campaign',
    usage: 'campaign list|create|edit|check',
    summary: 'List, create and edit campaigns from JSON; check proofs against a campaign’s rules.',
    load: async () => (await import('./campaign.command.js')).campaignCommand,
  },
  {
    name: 'points',
    usage: 'points adjust|balance',
    summary: 'Show a member’s points or correct them with a reasoned adjustment.',
    load: async () => (await import('./points.command.js')).pointsCommand,
  },
  {
    name: 'brand',
    usage: 'brand add|list',
    summary:
      'Create a brand (an instance admin’s step; its owner runs the rest from the console), or list them.',
    load: async () => (await import('./brand.command.js')).brandCommand,
  },
  {
    name: 'channel',
    usage: 'channel add|list',
    summary: 'Add a LINE channel to a brand (or update its credentials), or list the channels.',
    load: async () => (await import('./channel.command.js')).channelCommand,
  },
  {
    name: 'console',
    usage: 'console add-user|disable-user',
    summary: 'Manage console sign-in: add a user with a role on a brand, or disable a user.',
    load: async () => (await import('./console.command.js')).consoleCommand,
  },
  {
    name: 'line',
    usage: 'line setup-richmenu [--channel ID]',
    summary: 'LINE channel set-up: create and set the default rich menu (submit, points, rewards, help).',
    load: async () => (await import('./line.command.js')).lineCommand,
  },
  {
    name: 'events',
    usage: 'events list-failed|retry',
    summary: 'LINE webhook events the worker parked as failed: list them, or put them back in the queue.',
    load: async () => (await import('./events.command.js')).eventsCommand,
  },
  {
    name: 'analytics',
    usage: 'analytics backfill|seed-synthetic',
    summary: 'Analytics upkeep: backfill line items from accepted proofs, or seed a synthetic history.',
    load: async () => (await import('./analytics.command.js')).analyticsCommand,
  },
  {
    name: 'export',
    usage: 'export line-items --brand <slug|id> --format csv|xlsx --out <file>',
    summary: 'Export analytics data (line items) as CSV or XLSX, streamed.',
    load: async () => (await import('./export.command.js')).exportCommand,
  },
  {
    name: 'sim',
    usage: 'sim <name> [options]',
    summary: 'Run one outside-system simulator on its own (for tests and local development).',
    load: async () => (await import('./sim.command.js')).simCommand,
  },
];
