import type { Services } from '../../core/app/build-services.js';
import { buildProofIntake, type ProofIntake } from '../../core/app/proof-intake.js';
import type { AppModule } from '../create-app.js';
import { buildRewardsMemberRouter } from '../rewards/index.js';
import { createLiffModule, LIFF_DIST_DIR } from './index.js';
import { resolveLiffMember } from './liff.auth.js';
import { ensureLiffAppBuilt, liffBuildState } from './liff.build.js';
import { createErrorFactory } from '../../core/shared/errors.js';
import { createLineSimulatorIdTokenMinter } from './liff.dev-login.js';

const createLiffAppNotBuiltError = createErrorFactory({
  code: 'liff.app_not_built',
  message: 'The LIFF app is not built: run `npm run build` before starting',
  statusCode: 500,
});

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
    staticDir: config.line.liffAppDir ?? LIFF_DIST_DIR,
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
        sourceRef: input.sourceRef,
        capturedAt: input.capturedAt,
        location: input.location,
      }),
    memberRouters: [{ path: '/rewards', router: buildRewardsMemberRouter(services, resolveLiffMember) }],
  });
}

/**
 * Before serving /liff/: the LIFF app is built by `npm run build` (or at install), not by the server.
 * Outside local mode a missing build, or one made for the other mode (the LIFF mock on a real channel),
 * stops the start with the command to run. In local mode the app is built, in a child process, only when
 * it is missing or in the other mode; a build older than its sources is served with a warning.
 */
export async function prepareLiffApp(
  services: Services,
  { outDir = services.config.line.liffAppDir ?? LIFF_DIST_DIR }: { outDir?: string } = {},
) {
  const { config, logger } = services;
  const mock = config.line.mode === 'simulator';
  const state = liffBuildState({ outDir, mock });
  if (state === 'fresh') return;
  if (state === 'stale') {
    logger.warn('the LIFF app build is older than liff-app/ sources; run `npm run build` to refresh it');
    return;
  }
  if (!config.localMode)
    throw createLiffAppNotBuiltError({
      message: `The LIFF app is ${state === 'missing' ? 'not built' : 'built for the other mode'} (${outDir}): run \`${
        mock ? 'VITE_LIFF_MOCK=true ' : ''
      }npm run build\` before starting; the server builds it only in local mode`,
    });
  try {
    await ensureLiffAppBuilt({ outDir, mock, logger });
  } catch (error) {
    // The API still works without the pages; say so instead of refusing to start.
    logger.error({ err: error }, 'could not build the LIFF app; /liff/ will not be served');
  }
}
