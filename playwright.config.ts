import { defineConfig, devices } from '@playwright/test'

/**
 * Drives real Chromium (Debian's, or CHROMIUM_PATH) against the real server in demo mode, started as a user would
 * (`npm run serve` over the built app), with the simulator's clock sped up so machines settle in seconds.
 *
 * The whole suite runs twice: project `contract` against a simulator answering in the contract's shapes, project
 * `live` against one speaking the live Paperspace service's dialect (SIM_DIALECT=live), each on its own server:
 *   E2E_PORT        port of the contract server (default 8090); the live server listens on E2E_PORT + 100
 *   E2E_STATIC_DIR  the built app to serve (default dist)
 *   E2E_DIALECTS    which projects to run and start servers for, e.g. "live" (default "contract,live")
 *   E2E_LIVE_429_RATE  share of reads the live simulator answers 429 (default 0: specs call the API directly too,
 *                   and those calls do not retry; the app's own retry is covered by the unit tests)
 */
const DIALECTS = ['contract', 'live'] as const
type Dialect = (typeof DIALECTS)[number]

const port = Number(process.env.E2E_PORT ?? 8090)
const ports: Record<Dialect, number> = { contract: port, live: port + 100 }
const wanted = (process.env.E2E_DIALECTS ?? DIALECTS.join(','))
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean)
for (const name of wanted) {
  if (!(DIALECTS as readonly string[]).includes(name)) {
    throw new Error(`E2E_DIALECTS: unknown dialect "${name}"; use ${DIALECTS.join(', ')}.`)
  }
}
const dialects = DIALECTS.filter((dialect) => wanted.includes(dialect))
const baseURL = (dialect: Dialect) => `http://127.0.0.1:${ports[dialect]}`

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: dialects.map((dialect) => ({
    name: dialect,
    use: { ...devices['Desktop Chrome'], baseURL: baseURL(dialect) },
  })),
  webServer: dialects.map((dialect) => ({
    command: 'npm run serve',
    url: `${baseURL(dialect)}/api/meta`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    env: {
      PORT: String(ports[dialect]),
      HOST: '127.0.0.1',
      SIM_SPEED: process.env.E2E_SIM_SPEED ?? '30',
      SIM_SEED: '7',
      SIM_DIALECT: dialect,
      SIM_LIVE_429_RATE: process.env.E2E_LIVE_429_RATE ?? '0',
      LOG_LEVEL: 'warn',
      STATIC_DIR: process.env.E2E_STATIC_DIR ?? 'dist',
      PAPERSPACE_API_KEY: '',
      PAPERSPACE_API_URL: '',
    },
  })),
})
