#!/usr/bin/env node
// Entry point of the `veille` command. The TypeScript sources are bundled into dist/ by
// `npm ci` (the prepare script) and by `npm start`; see scripts/build.mjs.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

// The old generation may grow by half its live size before a full collection (V8 lets it grow
// about 3.5× here): a 1000-feed refresh peaked at 328 MB of RSS, 231 MB with this, for the same
// CPU (docs/BENCHMARKS.md "Refresh"). Read at every collection, so it can be set here, in the
// process (the young generation's size cannot: it is fixed when the process starts).
v8.setFlagsFromString('--heap-growing-percent=50');

const bundle = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('veille: dist/main.js is missing; run `npm run build` (npm ci does it) first.');
  process.exit(1);
}
const { main } = await import(bundle);
process.exitCode = await main(process.argv.slice(2), process.env);
