// Bundles the server (src/main.ts → dist/main.js, native and large dependencies left external) and the browser
// client (client/main.ts → public/app.js). esbuild takes well under a second for both.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

// Start-up time of every command (issue 4: `veille refresh` where nothing changed is half start-up):
// pure-JavaScript dependencies used at start (kysely, undici, htmlparser2, entities) are bundled,
// which saves resolving and loading a few hundred files; native and large optional ones stay
// external. undici's index is replaced by scripts/undici-slim.mjs (only what the fetcher uses).
// linkedom and @mozilla/readability (full content) load only for feeds that use it: left external.
const EXTERNAL = [
  '@hono/node-server',
  '@mozilla/readability',
  '@node-rs/argon2',
  'better-sqlite3',
  'hono',
  'linkedom',
  'pg',
  'sanitize-html',
];
const undiciSlim = {
  name: 'undici-slim',
  setup(b) {
    const path = fileURLToPath(new URL('./undici-slim.mjs', import.meta.url));
    b.onResolve({ filter: /^undici$/ }, () => ({ path }));
  },
};

await Promise.all([
  build({
    // main.js plus one chunk per command (src/main.ts imports them lazily), so a command loads
    // only what it uses; process-worker.js is the entry of the refresh's parse/sanitize threads.
    entryPoints: { main: 'src/main.ts', 'process-worker': 'src/reader/process/process-worker.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
    plugins: [undiciSlim],
    // undici is CommonJS: its require() of Node's modules needs a require in an ES module.
    banner: {
      js: "import { createRequire as __veilleRequire } from 'node:module'; const require = __veilleRequire(import.meta.url);",
    },
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    logLevel: 'warning',
  }),
  build({
    entryPoints: ['client/main.ts'],
    outfile: 'public/app.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  }),
]);
