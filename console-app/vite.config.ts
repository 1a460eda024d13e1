import { defineConfig } from 'vite';

/**
 * The marketers' console, served by the web process at /console/ (bot/console/console-app.static.ts).
 * Preact through the automatic JSX runtime (tsconfig `jsx: react-jsx`, `jsxImportSource: preact`); each
 * page is its own chunk, loaded when first opened, so the sign-in screen and the shell stay small.
 * `npm run dev:console` serves it with live reload and forwards /api to the web process on PORT.
 */
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  },
});
