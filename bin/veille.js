#!/usr/bin/env node
// Entry point of the `veille` command. The TypeScript sources are bundled into dist/ by
// `npm ci` (the prepare script) and by `npm start`; see scripts/build.mjs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('veille: dist/main.js is missing; run `npm run build` (npm ci does it) first.');
  process.exit(1);
}
const { main } = await import(bundle);
process.exitCode = await main(process.argv.slice(2), process.env);
