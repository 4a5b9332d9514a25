import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const workspaceRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Where `nx serve admin` sends API calls: a running `npx nx run api:serve` by default. */
const apiUrl = process.env.LATCHKEY_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // React's automatic JSX runtime through Vite's own (oxc) transform.
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: {
    alias: {
      '@latchkey/contracts': `${workspaceRoot}libs/contracts/src/index.ts`,
      '@latchkey/api-client': `${workspaceRoot}libs/api-client/src/index.ts`,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source map in the served build: dist is public, and a map would publish the sources.
    sourcemap: false,
    // The overview's chunk carries recharts (about 500 kB, 141 kB gzipped) and loads only when
    // an admin opens the overview; the first load has its own budget (scripts/finish-build.mjs).
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      onwarn(warning, warn) {
        // Mantine marks its modules "use client" for React Server Components; a SPA has none.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      output: {
        // React, its DOM and the router in a chunk of their own: they change less often than the
        // app, and the entry stays under Vite's 500 kB warning (both load at once, so the first
        // load is the same size).
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 4200,
    proxy: Object.fromEntries(
      ['/api', '/.well-known', '/healthz', '/readyz'].map((path) => [path, { target: apiUrl }]),
    ),
  },
});
