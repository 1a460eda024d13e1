import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Esbuild from 'esbuild';
import { projectRoot } from '../../core/shared/paths.js';

// Read from the source tree (projectRoot), so the built simulator in dist/ finds them too.
const chatPageTemplate = readFileSync(join(projectRoot, 'sim', 'line', 'chat-page.html'), 'utf8');
const RENDERER_SOURCE = join(projectRoot, 'sim', 'line', 'message-renderer.ts');

let rendererScript: string | undefined;

/**
 * The message renderer (sim/line/message-renderer.ts — the one the console's broadcast preview imports)
 * as a classic script defining `window.LineMessages`: compiled from its source by esbuild on the first
 * chat page served (a few milliseconds), then kept. esbuild is loaded only then (it ships with tsx).
 */
export function chatRendererScript(): string {
  if (rendererScript === undefined) {
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof Esbuild;
    const { code } = esbuild.transformSync(readFileSync(RENDERER_SOURCE, 'utf8'), {
      loader: 'ts',
      format: 'iife',
      globalName: 'LineMessages',
      target: 'es2020',
    });
    // Inside <script>: no "</script>" may end it early.
    rendererScript = code.replace(/<\//g, '<\\/');
  }
  return rendererScript;
}

/**
 * The chat page, pointed at a simulator (`simUrl` empty: the page's own origin). `liffEndpoint` plays
 * the part of the LIFF endpoint URL registered in the LINE console: given one, a
 * `https://liff.line.me/{liffId}/{path}` link the bot sends opens that page (`{path}`, query and fragment
 * kept) with `liffId` and the chat's simulated user signed in, as the LINE app opens a LIFF app for the
 * user it is logged in as.
 */
export function renderChatPage({
  simUrl,
  bootstrapUrl,
  liffEndpoint,
}: {
  simUrl: string;
  bootstrapUrl?: string;
  liffEndpoint?: string;
}): string {
  const config = { simUrl, bootstrapUrl: bootstrapUrl ?? null, liffEndpoint: liffEndpoint ?? null };
  // Replacer functions: a `$` in the code or the config is not a replacement pattern.
  return chatPageTemplate
    .replace('/*__LINE_MESSAGE_RENDERER__*/', () => chatRendererScript())
    .replace(
      '/*__CHAT_CONFIG__*/',
      () => `window.CHAT_CONFIG = ${JSON.stringify(config).replace(/</g, '\\u003c')};`,
    );
}
