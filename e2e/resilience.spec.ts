/**
 * Upstream faults end to end, in live mode (a server key) in front of the standalone simulator: when Paperspace
 * goes away the pages keep their data under a banner, and the app recovers by itself when it is back.
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import { dialectOf, makeApiKey, portsFrom, type Running, startServer, startSimulator } from './support/servers'

const KEY = makeApiKey()
let simulator: Running
let server: Running
let simulatorPort = 0

test.beforeAll(async () => {
  const testInfo = test.info()
  const port = portsFrom(8310, testInfo)
  simulatorPort = port(1)
  simulator = await startSimulator({ port: simulatorPort, apiKey: KEY, dialect: dialectOf(testInfo) })
  server = await startServer({ port: port(2), upstream: simulator.origin, mode: 'server-key', apiKey: KEY })
})

test.afterAll(async () => {
  await server?.stop()
  await simulator?.stop()
})

test('the banner appears when Paperspace goes down and leaves by itself when it is back', async ({
  browser,
}, testInfo) => {
  const context = await browser.newContext({ baseURL: server.origin })
  const page = await context.newPage()
  await page.goto('/events')
  await expect(page.getByRole('heading', { name: 'Events', level: 1 })).toBeVisible()
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Machines' }).click()
  await expect(page.getByRole('heading', { name: 'Machines', level: 1 })).toBeVisible()
  const rows = page.getByRole('main').getByRole('link').filter({ hasText: /\S/ })
  await expect(rows.first()).toBeVisible()
  const count = await rows.count()
  const banner = page.getByRole('status', { name: 'Connection' })
  await expect(banner).toBeEmpty()

  await simulator.stop()
  // The next poll would find out within 30 s; Refresh asks now (a read tries three times before giving up, and
  // the server may still answer from its one-second cache the first time).
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect(banner).toContainText(/Can't reach Paperspace — showing data from \d\d:\d\d\./, { timeout: 10_000 })
  }).toPass({ timeout: 40_000 })
  // The last data stays.
  expect(await rows.count()).toBe(count)
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([])
  await page.screenshot({ path: testInfo.outputPath('unreachable.png') })

  // Another page seen before still shows what it had, under the same banner.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click()
  await expect(page.getByRole('heading', { name: 'Events', level: 1 })).toBeVisible()
  await expect(page.getByRole('main').getByRole('table')).toBeVisible()
  await expect(banner).toContainText("Can't reach Paperspace")

  simulator = await startSimulator({ port: simulatorPort, apiKey: KEY, dialect: dialectOf(testInfo) })
  // No click: the app notices on its own.
  await expect(banner).toBeEmpty({ timeout: 30_000 })
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Machines' }).click()
  await expect(rows.first()).toBeVisible()
  await context.close()
})
