// `npm run dev`: one process with the API server (no static files) on API_PORT and Vite's dev server, whose
// config (vite.config.ts) proxies /api to API_PORT.
import { resolve } from 'node:path'
import { createServer } from 'vite'
import { buildServer } from './app'
import { closeOnSignals, loadConfigOrExit, printWarnings } from './main'

const root = resolve(import.meta.dirname, '..')
const apiPort = process.env.API_PORT?.trim() || '8080'
if (!/^\d{1,5}$/.test(apiPort)) {
  console.error(`API_PORT must be a port number (got "${apiPort}").`)
  process.exit(1)
}
// vite.config.ts reads API_PORT for its proxy target.
process.env.API_PORT = apiPort
const config = loadConfigOrExit({ ...process.env, PORT: apiPort })
printWarnings(config.warnings)

const vite = await createServer({ root, configFile: resolve(root, 'vite.config.ts') })
await vite.listen()

// Vite's proxy rewrites Host to the API's address but the browser's Origin stays Vite's: trust exactly those.
const viteOrigins = [...(vite.resolvedUrls?.local ?? []), ...(vite.resolvedUrls?.network ?? [])].map(
  (url) => new URL(url).origin,
)
const api = await buildServer({ ...config, staticDir: null }, { extraOrigins: viteOrigins })
closeOnSignals(async () => {
  await vite.close()
  await api.close()
})
await api.listen({
  port: config.port,
  host: config.host,
  listenTextResolver: (address) => `API listening on ${address} (${config.upstream.mode} mode)`,
})
vite.printUrls()
