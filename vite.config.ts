import tailwindcss from '@tailwindcss/vite'
import { tanstackRouter } from '@tanstack/router-plugin/vite'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// The router plugin reads its options from tsr.config.json, the same file the CLI (`tsr generate`) reads.
export default defineConfig({
  plugins: [tanstackRouter(), react(), tailwindcss()],
  resolve: {
    alias: [
      // TanStack's store asks for the shim that brings useSyncExternalStore to React < 18; React 19 has it, and the
      // package's plain entry uses it directly.
      {
        find: /^use-sync-external-store\/shim\/with-selector(\.js)?$/,
        replacement: 'use-sync-external-store/with-selector',
      },
    ],
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    // `/auth` too: sign-in mode's session routes (PAPERSPACE_AUTH=signin).
    proxy: {
      '/api': `http://127.0.0.1:${process.env.API_PORT ?? '8080'}`,
      '/auth': `http://127.0.0.1:${process.env.API_PORT ?? '8080'}`,
    },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // dist/.vite/manifest.json: what `npm run size` reads to find the entry and each route's chunks.
    manifest: true,
    reportCompressedSize: false,
    // Every module the entry needs at start goes into the entry chunk itself: one file instead of the entry plus the
    // shared chunks the splitter would cut out of it, which costs the first load a request and about 1.3 kB gzip.
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] } } },
    // Browsers without <link rel=modulepreload> (all current ones have it) fetch a page's chunks when they run
    // instead; not worth the polyfill's bytes in every first load.
    modulePreload: { polyfill: false },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'web',
          environment: 'jsdom',
          testTimeout: 20_000,
          include: ['src/**/*.test.{ts,tsx}'],
          setupFiles: ['./src/test/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['server/**/*.test.ts'],
        },
      },
    ],
  },
})
