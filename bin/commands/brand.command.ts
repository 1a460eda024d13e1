import { parseArgs } from 'node:util';
import { recordAudit } from '../../core/audit/index.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

const USAGE =
  'brand add --slug SLUG --name NAME --country TW|TH [--timezone ZONE] [--locale zh-TW|th|en] | brand list';

/** A country's usual time zone and language, so `--country` alone makes a usable brand. */
const COUNTRY_DEFAULTS = {
  TW: { timezone: 'Asia/Taipei', locale: 'zh-TW' },
  TH: { timezone: 'Asia/Bangkok', locale: 'th' },
} as const;

export const brandCommand: Command = {
  name: 'brand',
  usage: 'brand add|list',
  summary:
    'Create a brand (an instance admin’s step; its owner runs the rest from the console), or list them.',
  help: [
    `  ${USAGE}`,
    '  Then give it an owner (proofline console add-user --brand SLUG --role owner …), who signs in to the',
    '  console and adds the LINE channels, the LIFF id, campaigns and the team from there.',
  ].join('\n'),
  run: async ([sub, ...argv]) => {
    if (sub !== 'add' && sub !== 'list') {
      console.error(`proofline brand: unknown subcommand "${sub ?? ''}" (add, list)`);
      return 2;
    }
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          slug: { type: 'string' },
          name: { type: 'string' },
          country: { type: 'string' },
          timezone: { type: 'string' },
          locale: { type: 'string' },
        },
      }));
    } catch (error) {
      console.error(`proofline brand: ${(error as Error).message}`);
      return 2;
    }
    if (sub === 'add') {
      const problems = [
        ...(['slug', 'name', 'country'] as const)
          .filter((key) => !values[key]?.trim())
          .map((key) => `--${key} is required`),
        ...(values.slug && !/^[a-z0-9][a-z0-9-]{1,39}$/.test(values.slug)
          ? ['--slug: lowercase letters, digits and -, 2 to 40 characters']
          : []),
        ...(values.country && !(values.country in COUNTRY_DEFAULTS) ? ['--country: TW or TH'] : []),
        ...(values.locale && !['zh-TW', 'th', 'en'].includes(values.locale)
          ? ['--locale: zh-TW, th or en']
          : []),
        ...(values.timezone && !isTimeZone(values.timezone)
          ? [`--timezone: "${values.timezone}" is not an IANA time zone`]
          : []),
      ];
      if (problems.length > 0) {
        console.error(`proofline brand add: ${problems.join('; ')}`);
        return 2;
      }
    }

    return withCliServices({ migrate: true }, async (services) => {
      const repository = createBrandsRepository({
        db: services.database.db,
        generateId: services.generateId,
      });
      if (sub === 'list') {
        for (const brand of await repository.listBrands())
          console.log(`${brand.slug}\t${brand.id}\t${brand.country}\t${brand.timezone}\t${brand.name}`);
        return 0;
      }
      const slug = values.slug as string;
      const existing = await repository.getBrandBySlug(slug);
      if (existing) {
        console.error(`proofline brand add: a brand "${slug}" exists already (${existing.id})`);
        return 1;
      }
      const country = values.country as keyof typeof COUNTRY_DEFAULTS;
      const brand = await services.database.db.transaction(async (tx) => {
        const created = await createBrandsRepository({ db: tx, generateId: services.generateId }).createBrand(
          {
            slug,
            name: (values.name as string).trim(),
            country,
            timezone: values.timezone ?? COUNTRY_DEFAULTS[country].timezone,
            defaultLocale:
              (values.locale as 'zh-TW' | 'th' | 'en' | undefined) ?? COUNTRY_DEFAULTS[country].locale,
          },
        );
        await recordAudit(tx, services, {
          brandId: created.id,
          actorType: 'operator',
          actorId: 'cli',
          action: 'brand.created',
          targetType: 'brand',
          targetId: created.id,
          data: { slug, country, timezone: created.timezone, defaultLocale: created.defaultLocale },
        });
        return created;
      });
      console.log(
        `created brand ${brand.slug} (${brand.id}): ${brand.country}, ${brand.timezone}, ${brand.defaultLocale}`,
      );
      console.log(
        `next: proofline console add-user --brand ${brand.slug} --role owner --email <email> --name <name>`,
      );
      return 0;
    });
  },
};

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
