import type { Services } from '../app/build-services.js';
import type { Brand } from '../brands/index.js';
import {
  countBrandConsoleMembers,
  createConsoleUser,
  findConsoleUserByEmail,
  grantConsoleMembership,
} from '../console/index.js';

/**
 * The demo brand's console account. A fixed, documented password is fine here only because it is
 * created in local mode alone (no real LINE or MoF credentials, the reviewer headers are trusted too);
 * a real deployment adds its users with `proofline console add-user`.
 */
export const DEMO_CONSOLE_EMAIL = 'demo@proofline.local';
export const DEMO_CONSOLE_PASSWORD = 'proofline-demo';

/** Creates the demo console owner when the demo brand has no console user yet (idempotent). */
export async function seedDemoConsoleUser(
  services: Pick<Services, 'database' | 'clock' | 'generateId' | 'config'>,
  brand: Pick<Brand, 'id'>,
): Promise<{ created: boolean; email: string; password: string } | undefined> {
  if (!services.config.localMode) return undefined;
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  if ((await countBrandConsoleMembers(deps, { brandId: brand.id })) > 0) {
    const demo = await findConsoleUserByEmail(deps, DEMO_CONSOLE_EMAIL);
    return demo ? { created: false, email: DEMO_CONSOLE_EMAIL, password: DEMO_CONSOLE_PASSWORD } : undefined;
  }
  const user =
    (await findConsoleUserByEmail(deps, DEMO_CONSOLE_EMAIL)) ??
    (
      await createConsoleUser(deps, {
        email: DEMO_CONSOLE_EMAIL,
        name: 'Demo reviewer',
        password: DEMO_CONSOLE_PASSWORD,
      })
    ).user;
  await grantConsoleMembership(deps, { userId: user.id, brandId: brand.id, role: 'owner' });
  return { created: true, email: DEMO_CONSOLE_EMAIL, password: DEMO_CONSOLE_PASSWORD };
}
