import { parseArgs } from 'node:util';
import type { Services } from '../../core/app/build-services.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import {
  addConsoleUserToBrand,
  CONSOLE_ROLES,
  disableConsoleUser,
  findConsoleUserByEmail,
  MIN_PASSWORD_LENGTH,
  type ConsoleRole,
} from '../../core/console/index.js';
import { isAppError } from '../../core/shared/errors.js';
import { hasIdPrefix } from '../../core/shared/ids.js';
import type { Command } from './command.js';
import { withCliServices } from './shared.js';

const HELP = `Usage:
  proofline console add-user --email <email> --name <name> --brand <brand id or slug> --role <${CONSOLE_ROLES.join('|')}>
      Creates a console user with a role on the brand. The password is read from CONSOLE_PASSWORD or,
      when unset, from the first line of stdin (never from the command line, which ps and shell history
      keep). If the email already has an account, only the role on the brand is granted (password unchanged).
      Roles: owner and reviewer may review proofs; marketer and viewer may not.
  proofline console disable-user --email <email>
      Disables the account on every brand and ends its sessions at once (audited in each brand's log).
      There is no password reset: disable the account and invite the person again.`;

export type ConsoleCommandOptions = {
  env?: Record<string, string | undefined>;
  /** Reads the password when CONSOLE_PASSWORD is unset. @default the first line of process.stdin */
  readPassword?: () => Promise<string>;
  /** Already built services (tests); the command then neither connects nor closes them. */
  services?: Services;
};

export const consoleCommand: Command = {
  name: 'console',
  usage: 'console add-user|disable-user',
  summary: 'Manage console sign-in: add a user with a role on a brand, or disable a user.',
  help: HELP,
  run: (argv) => runConsoleCommand(argv),
};

export async function runConsoleCommand(
  argv: string[],
  { env = process.env, readPassword = readFirstStdinLine, services: given }: ConsoleCommandOptions = {},
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'disable-user') return runDisableUser(rest, { env, services: given });
  if (sub !== 'add-user') {
    console.error(HELP);
    return 2;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        brand: { type: 'string' },
        role: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`proofline console add-user: ${(error as Error).message}`);
    return 2;
  }
  const missing = (['email', 'name', 'brand', 'role'] as const).filter((key) => !values[key]);
  if (missing.length > 0) {
    console.error(`proofline console add-user: ${missing.map((key) => `--${key}`).join(', ')} required`);
    return 2;
  }
  const role = values.role as ConsoleRole;
  if (!CONSOLE_ROLES.includes(role)) {
    console.error(`proofline console add-user: --role must be one of ${CONSOLE_ROLES.join(', ')}`);
    return 2;
  }
  if (!/^[^\s@]+@[^\s@]+$/.test((values.email as string).trim())) {
    console.error('proofline console add-user: --email is not an email address');
    return 2;
  }

  return withCliServices({ env, migrate: true, given }, async (services) => {
    const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
    try {
      const brands = createBrandsRepository(deps);
      const brandRef = values.brand as string;
      const brand = hasIdPrefix(brandRef, 'brand')
        ? await brands.getBrandById(brandRef)
        : await brands.getBrandBySlug(brandRef);
      if (!brand) {
        const slugs = (await brands.listBrands()).map((candidate) => candidate.slug);
        console.error(
          `proofline console add-user: no brand "${brandRef}" (brands: ${slugs.join(', ') || 'none'})`,
        );
        return 1;
      }

      let password: string | undefined;
      if (!(await findConsoleUserByEmail(deps, values.email as string))) {
        password = env.CONSOLE_PASSWORD ?? (await readPassword());
        if (password.length < MIN_PASSWORD_LENGTH) {
          console.error(
            `proofline console add-user: the password (CONSOLE_PASSWORD or stdin) must be at least ${MIN_PASSWORD_LENGTH} characters`,
          );
          return 2;
        }
      }
      // The account, the role and the audit row commit together.
      const { user, created } = await addConsoleUserToBrand(deps, {
        email: values.email as string,
        name: values.name as string,
        brandId: brand.id,
        role,
        password: async () => password ?? env.CONSOLE_PASSWORD ?? (await readPassword()),
        via: 'cli',
      });
      const existed = !created;
      console.log(
        `${existed ? 'granted existing user' : 'created user'} ${user.email} (${user.id}): ${role} of ${brand.slug}`,
      );
      return 0;
    } catch (error) {
      if (isAppError(error) && !error.isInternal) {
        console.error(`proofline console add-user: ${error.message}`);
        return 1;
      }
      throw error;
    }
  });
}

async function runDisableUser(
  argv: string[],
  { env, services: given }: { env: Record<string, string | undefined>; services: Services | undefined },
): Promise<number> {
  let email: string | undefined;
  try {
    ({
      values: { email },
    } = parseArgs({ args: argv, options: { email: { type: 'string' } } }));
  } catch (error) {
    console.error(`proofline console disable-user: ${(error as Error).message}`);
    return 2;
  }
  if (!email) {
    console.error('proofline console disable-user: --email required');
    return 2;
  }
  return withCliServices({ env, migrate: true, given }, async (services) => {
    const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
    const user = await findConsoleUserByEmail(deps, email);
    if (!user) {
      console.error(`proofline console disable-user: no console user ${email}`);
      return 1;
    }
    const { disabled, sessionsEnded } = await disableConsoleUser(deps, { userId: user.id, via: 'cli' });
    console.log(
      disabled
        ? `disabled ${user.email} (${user.id}); ${sessionsEnded} session(s) ended`
        : `${user.email} (${user.id}) was disabled already`,
    );
    return 0;
  });
}

/** The first line of stdin (a pipe, or a terminal where the user types it and presses Enter). */
async function readFirstStdinLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  let buffered = '';
  for await (const chunk of process.stdin) {
    buffered += String(chunk);
    const newline = buffered.indexOf('\n');
    if (newline >= 0) {
      process.stdin.pause();
      return buffered.slice(0, newline).replace(/\r$/, '');
    }
  }
  return buffered;
}
