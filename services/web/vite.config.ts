/**
 * The web app's build: Preact, bundled into dist/web with every script, style and font it needs, so
 * it works with no internet. The service serves dist/web at `/`.
 */
import preact from '@preact/preset-vite';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/web'),
    emptyOutDir: true,
    // dist/web/.vite/manifest.json: which chunks each page loads (bench/web.ts sums them per page).
    manifest: true,
    sourcemap: true,
    target: 'es2022',
    reportCompressedSize: false,
    rolldownOptions: {
      // The shared contracts (imported for the one priority formula) only declare zod schemas and
      // constants: a page that uses none of them must not carry zod.
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]contracts[\\/]/.test(id) },
    },
  },
  server: {
    // `npm run web:dev` proxies the API to a service on :3000.
    proxy: Object.fromEntries(
      ['/auth', '/engagements', '/interviews', '/requirements', '/confirmations', '/health', '/metrics', '/openapi.json'].map((p) => [p, 'http://127.0.0.1:3000']),
    ),
  },
});
