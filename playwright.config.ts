import { defineConfig, devices } from '@playwright/test'

const port = Number(process.env.E2E_PORT ?? 8090)
const baseURL = `http://127.0.0.1:${port}`

/**
 * Drives real Chromium (Debian's, or CHROMIUM_PATH) against the real server in demo mode, started as a user would
 * (`npm run serve` over the built app), with the simulator's clock sped up so machines settle in seconds.
 */
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
    baseURL,
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
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    command: 'npm run serve',
    url: `${baseURL}/api/meta`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      SIM_SPEED: process.env.E2E_SIM_SPEED ?? '30',
      SIM_SEED: '7',
      LOG_LEVEL: 'warn',
      STATIC_DIR: process.env.E2E_STATIC_DIR ?? 'dist',
      PAPERSPACE_API_KEY: '',
      PAPERSPACE_API_URL: '',
    },
  },
})
