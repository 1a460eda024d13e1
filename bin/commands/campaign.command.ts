import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import type { Services } from '../../core/app/build-services.js';
import { checkCampaignProofs } from '../../core/app/campaign-check.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import {
  createCampaignFromDefinition,
  createCampaignsRepository,
  updateCampaign,
} from '../../core/campaigns/index.js';
import { isLocale, LOCALES } from '../../core/i18n/index.js';
import { isAppError } from '../../core/shared/errors.js';
import { checkInvoiceSchema, type CheckProof, type SubmissionsDeps } from '../../core/submissions/index.js';
import { buildEInvoicePlatform } from '../../core/verification/index.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

const HELP = `Usage:
  proofline campaign list --brand <id|slug>
      The brand's campaigns (slug, status, version, windows) as JSON.
  proofline campaign create --brand <id|slug> --file <campaign.json>
      A campaign from a JSON file with the console API's body (a draft unless "status": "active").
  proofline campaign edit <campaign> --brand <id|slug> --file <changes.json>
      Changes the fields in the file; a published campaign gets a new version.
  proofline campaign check <campaign> <proof>... --brand <id|slug> [--rules draft.json] [--at <ISO instant>]
                 [--lang zh-TW|th|en]
      What the rules make of each proof, the same JSON as POST /api/console/campaigns/:c/check; nothing is
      stored. A proof is a QR pair, typed text, a barcode or a carrier (quote it), an invoice object as JSON
      ('{"invoiceDate":…}') or @file.json, or the path of a photo. --rules: draft {"rules","rewards"} to try.
      --lang: the language of each rule's words (default en).`;

export const campaignCommand: Command = {
  name: 'campaign',
  usage: 'campaign list|create|edit|check',
  summary: 'List, create and edit campaigns from JSON; check proofs against a campaign’s rules.',
  help: HELP,
  run: (argv) => runCampaignCommand(argv),
};

/** In-process entry (tests pass their services and platform). */
export async function runCampaignCommand(
  argv: string[],
  injected: { services?: Services; platform?: SubmissionsDeps['platform'] } = {},
): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || !['list', 'create', 'edit', 'check'].includes(sub)) {
    console.error(HELP);
    return 2;
  }
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(rest);
  } catch (error) {
    console.error(`proofline campaign ${sub}: ${(error as Error).message}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (!values.brand) {
    console.error(`proofline campaign ${sub}: --brand is required`);
    return 2;
  }
  if ((sub === 'create' || sub === 'edit') && !values.file) {
    console.error(`proofline campaign ${sub}: --file is required`);
    return 2;
  }
  if (values.lang !== undefined && !isLocale(values.lang)) {
    console.error(`proofline campaign ${sub}: --lang is one of ${LOCALES.join(', ')}`);
    return 2;
  }
  if ((sub === 'edit' && positionals.length !== 1) || (sub === 'check' && positionals.length < 2)) {
    console.error(HELP);
    return 2;
  }

  const brandRef = values.brand;
  return withCliServices({ given: injected.services }, async (services) => {
    const { db } = services.database;
    const deps = { db, clock: services.clock, generateId: services.generateId };
    try {
      const brand = await createBrandsRepository(deps).getBrandByRef(brandRef);
      if (!brand) {
        console.error(`proofline campaign ${sub}: no brand "${brandRef}"`);
        return 1;
      }
      let output: unknown;
      if (sub === 'list') {
        const campaigns = await createCampaignsRepository(deps).listCampaigns({ brandId: brand.id });
        output = campaigns.map(({ id, slug, name, status, version, purchaseFrom, purchaseTo }) => ({
          id,
          slug,
          name,
          status,
          version,
          purchaseFrom,
          purchaseTo,
        }));
      } else if (sub === 'create') {
        const { campaign } = await createCampaignFromDefinition(deps, {
          brandId: brand.id,
          input: readJson(values.file as string),
          createdBy: 'cli',
        });
        output = { id: campaign.id, slug: campaign.slug, status: campaign.status, version: campaign.version };
      } else if (sub === 'edit') {
        const result = await updateCampaign(deps, {
          brandId: brand.id,
          ref: positionals[0] as string,
          input: readJson(values.file as string) as Record<string, unknown>,
          updatedBy: 'cli',
        });
        output = { version: result.version, versionCreated: result.versionCreated, changes: result.changes };
      } else {
        const [ref, ...proofTexts] = positionals as [string, ...string[]];
        const draft = values.rules ? (readJson(values.rules) as { rules?: unknown; rewards?: unknown }) : {};
        const config = services.config;
        const clock = services.clock;
        output = await checkCampaignProofs(
          {
            ...deps,
            platform: () =>
              injected.platform ?? buildEInvoicePlatform(config, { clock, logger: services.logger }),
            ocrEngine: () => services.ocrEngine,
          },
          {
            brandId: brand.id,
            ref,
            proofs: proofTexts.map(proofOf),
            rules: draft.rules,
            rewards: draft.rewards,
            registeredAt: values.at ? new Date(values.at) : undefined,
            locale: isLocale(values.lang) ? values.lang : undefined,
          },
        );
      }
      console.log(JSON.stringify(output, null, 2));
      return 0;
    } catch (error) {
      if (error instanceof ZodError || error instanceof SyntaxError) {
        console.error(`proofline campaign ${sub}: ${error.message}`);
        return 1;
      }
      if (!isAppError(error) || error.isInternal) throw error;
      console.error(`proofline campaign ${sub}: ${error.message}`);
      const fieldErrors = error.details?.fieldErrors;
      if (fieldErrors) console.error(JSON.stringify(fieldErrors, null, 2));
      return 1;
    }
  });
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brand: { type: 'string' },
      file: { type: 'string' },
      rules: { type: 'string' },
      at: { type: 'string' },
      lang: { type: 'string' },
    },
  });
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** A proof argument: JSON or @file.json for an invoice object, an image path for a photo, else text. */
function proofOf(argument: string): CheckProof {
  if (argument.trim().startsWith('{')) return checkInvoiceSchema.parse(JSON.parse(argument));
  if (argument.startsWith('@')) return checkInvoiceSchema.parse(readJson(argument.slice(1)));
  if (/\.(jpe?g|png|webp|heic)$/i.test(argument) && existsSync(argument))
    return { photo: readFileSync(argument), name: argument.split('/').at(-1) };
  return argument;
}
