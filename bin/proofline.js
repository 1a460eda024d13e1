#!/usr/bin/env node
// Runs the TypeScript CLI straight from the checkout (no build step): `npx proofline --help`.
// The built CLI is dist/bin/proofline.js (`npm run build`).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./proofline.ts');
process.exitCode = await main(process.argv.slice(2));
