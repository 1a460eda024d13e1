import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/** Records how the output was built, so `npm start` can tell a stale or wrong-mode build (bot/liff/liff.build.ts). */
function buildStamp(mock: boolean): Plugin {
  let outDir = 'dist';
  return {
    name: 'proofline-build-stamp',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      writeFileSync(
        resolve(outDir, 'build-stamp.json'),
        JSON.stringify({ mock, builtAt: new Date().toISOString() }),
      );
    },
  };
}

/**
 * The LIFF mini-app, served by the bot at /liff/. `VITE_LIFF_MOCK=true` (local mode) bundles
 * @line/liff-mock as a separate chunk; without it the mock is absent from the output.
 */
export default defineConfig(({ mode }) => {
  const mock = (process.env.VITE_LIFF_MOCK ?? '') === 'true' || mode === 'mock';
  return {
    base: '/liff/',
    plugins: [buildStamp(mock)],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2020',
      assetsInlineLimit: 0,
      reportCompressedSize: false,
    },
  };
});
