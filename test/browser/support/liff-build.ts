import { buildLiffApp } from '../../../bot/liff/liff.build.js';
import { sharedFolder } from '../../support/once-per-run.js';

/** The local-mode (mock) LIFF app, built once per test run and shared by every file that serves it. */
const mockLiffApp = sharedFolder('liff-app-mock', (outDir) => buildLiffApp({ outDir, mock: true }));

export const buildMockLiffApp = mockLiffApp.acquire;
export const releaseMockLiffApp = mockLiffApp.release;
