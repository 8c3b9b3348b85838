import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import tailwindcss from '@tailwindcss/vite'
import { tanstackRouter } from '@tanstack/router-plugin/vite'
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

const COMPRESSIBLE = /\.(?:js|css|html|svg|json|txt|webmanifest)$/
const MIN_COMPRESSED_BYTES = 1024

/**
 * Writes a `.br` and a `.gz` beside every text file of the build over 1 KiB, at the highest levels, once: the
 * server sends them to browsers that accept them (@fastify/static `preCompressed`) instead of compressing each
 * request. Vite's own folder (`.vite/`, the manifest) is not served and is left alone.
 */
function precompress(): Plugin {
  let outDir = ''
  const compressAll = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) compressAll(path)
      } else if (COMPRESSIBLE.test(entry.name) && statSync(path).size > MIN_COMPRESSED_BYTES) {
        const bytes = readFileSync(path)
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
        )
        writeFileSync(`${path}.gz`, gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }))
      }
    }
  }
  return {
    name: 'precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      compressAll(outDir)
    },
  }
}

// The router plugin reads its options from tsr.config.json, the same file the CLI (`tsr generate`) reads.
export default defineConfig({
  plugins: [tanstackRouter(), react(), tailwindcss(), precompress()],
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
