import type { Services } from '../../core/app/build-services.js';
import { buildProofIntake, type ProofIntake } from '../../core/app/proof-intake.js';
import type { AppModule } from '../create-app.js';
import { buildRewardsMemberRouter } from '../rewards/index.js';
import { createLiffModule, LIFF_DIST_DIR } from './index.js';
import { resolveLiffMember } from './liff.auth.js';
import { ensureLiffAppBuilt } from './liff.build.js';
import { createLineSimulatorIdTokenMinter } from './liff.dev-login.js';

/**
 * The LIFF module as the web process runs it: proofs (typed, scanned, photographed) through the shared
 * proof intake, the rewards member API under /api/liff/rewards, and — in local mode only — dev login
 * through the LINE simulator's ID tokens.
 */
export function buildLiffAppModule(
  services: Services,
  { intake = buildProofIntake(services) }: { intake?: ProofIntake } = {},
): AppModule {
  const { config } = services;
  // Dev login mints an ID token for any user: a local-mode shortcut, never on a reachable server.
  const simulated = config.localMode && config.line.mode === 'simulator' && config.line.apiBaseUrl;
  return createLiffModule(services, {
    devIdTokenMinter: simulated
      ? createLineSimulatorIdTokenMinter({ simulatorUrl: config.line.apiBaseUrl! })
      : undefined,
    submitProof: intake.submitProof,
    ingestReceiptImage: (input) =>
      intake.ingestReceiptImage({
        brandId: input.brandId,
        memberId: input.memberId,
        bytes: input.bytes,
        source: 'liff',
        capturedAt: input.capturedAt,
        location: input.location,
      }),
    memberRouters: [{ path: '/rewards', router: buildRewardsMemberRouter(services, resolveLiffMember) }],
  });
}

/** `npm start`: (re)build the LIFF app when missing, stale or built for the other mode (mock in local mode). */
export async function prepareLiffApp(services: Services) {
  try {
    await ensureLiffAppBuilt({
      outDir: LIFF_DIST_DIR,
      mock: services.config.line.mode === 'simulator',
      logger: services.logger,
    });
  } catch (error) {
    // The API still works without the pages; say so instead of refusing to start.
    services.logger.error({ err: error }, 'could not build the LIFF app; /liff/ will not be served');
  }
}
