/**
 * The server's memory end to end, in sign-in mode over the standalone simulator with a SQLite store: an admin signs
 * in, stops a machine, and finds the entry with their email on /audit; after signing out, the same cookie replayed
 * is refused.
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import { apiGet } from './support/api'
import { dialectOf, makeApiKey, portsFrom, type Running, startServer, startSimulator } from './support/servers'

interface Machine {
  id: string
  name: string
  state: string
}

/** The simulator's key owner (server/simulator/team.ts). */
const OWNER_EMAIL = 'ada.lovelace@example.com'
const KEY = makeApiKey()
let simulator: Running
let server: Running

test.beforeAll(async () => {
  const testInfo = test.info()
  const port = portsFrom(8340, testInfo)
  simulator = await startSimulator({ port: port(1), apiKey: KEY, dialect: dialectOf(testInfo) })
  server = await startServer({ port: port(2), upstream: simulator.origin, mode: 'signin' })
})

test.afterAll(async () => {
  await server?.stop()
  await simulator?.stop()
})

test('sign in, stop a machine, find who did it on /audit; a signed-out cookie is refused', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.origin })
  const page = await context.newPage()
  await page.goto('/audit')
  await page.getByLabel('API key').fill(KEY)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { name: 'Audit', level: 1 })).toBeVisible()
  // Who is signed in, by name, in the header.
  await expect(page.getByRole('banner')).toContainText('Ada Lovelace')

  const machines = await apiGet<{ items: Machine[] }>(context.request, '/machines?limit=120')
  const machine = machines.items.find((candidate) => candidate.state === 'ready')
  if (machine === undefined) throw new Error('no ready machine in the simulated fleet')
  await page.goto(`/machines/${machine.id}`)
  const lifecycle = page.getByRole('region', { name: 'Lifecycle' })
  await lifecycle.getByRole('button', { name: 'Stop', exact: true }).click()
  await page
    .getByRole('dialog', { name: `Stop ${machine.name}?` })
    .getByRole('button', { name: 'Stop machine' })
    .click()
  await expect(page.getByRole('status', { name: 'Machine state' })).toContainText('Stopping')

  await page.goto(`/audit?action=stop&machineId=${machine.id}`)
  const row = page.getByRole('row').filter({ hasText: OWNER_EMAIL })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText(machine.name)
  await expect(row).toContainText(/stop/i)
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([])

  // Sign out, then send the old cookie again: the session was revoked on the server.
  const cookies = await context.cookies()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/sign-in/)
  const replay = await browser.newContext({ baseURL: server.origin })
  await replay.addCookies(cookies)
  const refused = await replay.request.get('/api/v1/machines?limit=1')
  expect(refused.status()).toBe(401)
  expect(await refused.json()).toMatchObject({ code: 'SIGNED_OUT' })
  await replay.close()
  await context.close()
})
