// Bundles the server (src/main.ts → dist/main.js, dependencies left external) and the browser
// client (client/main.ts → public/app.js). esbuild takes well under a second for both.
import { build } from 'esbuild';

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
    packages: 'external',
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
