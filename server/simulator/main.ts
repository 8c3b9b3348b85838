// Standalone simulator: `npm run simulator`. Configured by SIM_PORT, SIM_HOST and the SIM_* options.
import { serve } from '@hono/node-server'
import { createSimulator, DEFAULT_BASE_PATH, simulatorOptionsFromEnv } from './simulator'

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 4010
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`SIM_PORT must be a port number, got "${raw}".`)
  return port
}

try {
  const options = simulatorOptionsFromEnv(process.env)
  const port = portFromEnv(process.env.SIM_PORT)
  const hostname = process.env.SIM_HOST?.trim() || '127.0.0.1'
  const simulator = createSimulator(options)
  serve({ fetch: (request) => simulator.fetch(request), port, hostname }, (info) => {
    const host = hostname.includes(':') ? `[${hostname}]` : hostname
    process.stdout.write(`Paperspace simulator listening on http://${host}:${info.port}${DEFAULT_BASE_PATH}\n`)
  })
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
