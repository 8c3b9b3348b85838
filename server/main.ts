import { pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { type BuildOptions, buildServer } from './app'
import { type Config, ConfigError, loadConfig } from './config'

/** Reads the configuration or exits with a message that says what to fix. */
export function loadConfigOrExit(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}

/** Prints warnings where nobody can miss them: on stderr, framed, before the first log line. */
export function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) console.warn(`\n*** WARNING *** ${warning}\n`)
}

function describeUpstream(config: Config): string {
  switch (config.upstream.mode) {
    case 'demo':
      return 'demo mode: simulated Paperspace data, no API key in use'
    case 'live':
      return `live mode: proxying to ${config.upstream.url} with the server's key`
    case 'signin': {
      const hours = Math.round((config.upstream.session.ttlMs / 3_600_000) * 100) / 100
      return `sign-in mode: each admin signs in with their own key, sessions last ${hours} h; proxying to ${config.upstream.url}`
    }
  }
}

function describeStore(config: Config): string {
  const { store } = config
  if (store.engine === 'postgres') {
    const url = new URL(store.url)
    return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`
  }
  return 'memory' in store ? 'SQLite in memory' : `SQLite at ${store.file}`
}

/** Closes the server (and with it the demo simulator) on SIGINT/SIGTERM; a second signal exits at once. */
export function closeOnSignals(close: () => Promise<unknown>): void {
  let closing = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1)
    closing = true
    console.error(`${signal} received, shutting down`)
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error instanceof Error ? error.message : error)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
}

/** Builds the server from the environment and listens on HOST:PORT. */
export async function main(
  env: Record<string, string | undefined> = process.env,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const config = loadConfigOrExit(env)
  printWarnings(config.warnings)
  const app = await buildServer(config, options)
  closeOnSignals(() => app.close())
  await app.listen({
    port: config.port,
    host: config.host,
    listenTextResolver: (address) =>
      `Paperspace Fleet listening on ${address} (${describeUpstream(config)}; store: ${describeStore(config)})`,
  })
  return app
}

/** Runs the server as a program: a failure to start is printed, and the process exits with 1. */
export function runMain(): void {
  main().catch((error: unknown) => {
    console.error('Failed to start:', error instanceof Error ? error.message : error)
    process.exit(1)
  })
}

// `npm start` and `npm run serve` run the bundle of this file (server/run.mjs); `tsx server/main.ts` runs it as is.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) runMain()
