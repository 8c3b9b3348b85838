/**
 * The API key never reaches the browser. Every response the browser receives during a full tour of the app is
 * collected, headers and body, in live mode (the server holds the key) and in sign-in mode (the admin pastes it),
 * and searched for the key; so is the built app.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type BrowserContext, expect, type Page, test } from '@playwright/test'
import { apiGet } from './support/api'
import {
  dialectOf,
  makeApiKey,
  portsFrom,
  type Running,
  SESSION_SECRET,
  STATIC_DIR,
  startServer,
  startSimulator,
} from './support/servers'

interface Machine {
  id: string
  name: string
  state: string
}

interface Seen {
  url: string
  text: string
}

const KEY = makeApiKey()
let simulator: Running
let liveServer: Running
let signInServer: Running

test.beforeAll(async () => {
  const testInfo = test.info()
  const port = portsFrom(8320, testInfo)
  simulator = await startSimulator({ port: port(1), apiKey: KEY, dialect: dialectOf(testInfo) })
  liveServer = await startServer({ port: port(2), upstream: simulator.origin, mode: 'server-key', apiKey: KEY })
  signInServer = await startServer({ port: port(3), upstream: simulator.origin, mode: 'signin' })
})

test.afterAll(async () => {
  await signInServer?.stop()
  await liveServer?.stop()
  await simulator?.stop()
})

/** The key as it could appear: as is, URL-encoded, in base64 and base64url, and as the Authorization header value. */
function forms(secret: string): string[] {
  const bytes = Buffer.from(secret)
  return [secret, encodeURIComponent(secret), bytes.toString('base64'), bytes.toString('base64url'), `Bearer ${secret}`]
}

/** Records every response the pages of `context` receive, headers and body; and the bodies they send. */
function collect(context: BrowserContext): { seen: Seen[]; sent: string[]; settled: () => Promise<void> } {
  const seen: Seen[] = []
  const sent: string[] = []
  const pending: Promise<void>[] = []
  context.on('request', (request) => {
    const body = request.postData()
    if (body) sent.push(body)
  })
  context.on('response', (response) => {
    pending.push(
      (async () => {
        const headers = JSON.stringify(await response.allHeaders())
        const body = await response.body().catch(() => Buffer.alloc(0))
        seen.push({ url: response.url(), text: `${response.status()} ${headers}\n${body.toString('latin1')}` })
      })(),
    )
  })
  return { seen, sent, settled: async () => void (await Promise.all(pending)) }
}

function expectNoKey(seen: readonly Seen[]) {
  const leaks = seen.flatMap(({ url, text }) =>
    forms(KEY)
      .filter((form) => text.includes(form))
      .map(() => url),
  )
  expect(leaks).toEqual([])
}

/** Every page of the app, and the requests each makes: list, a machine (all sections), events, availability. */
async function tour(page: Page, context: BrowserContext) {
  const machines = (await apiGet<{ items: Machine[] }>(context.request, '/machines?limit=120')).items
  const ready = machines.find((m) => m.state === 'ready')
  if (!ready) throw new Error('the simulated fleet has no ready machine')

  await page.goto('/machines')
  await expect(page.getByRole('heading', { name: 'Machines', level: 1 })).toBeVisible()
  await page.getByRole('button', { name: 'Create machine' }).first().click()
  const create = page.getByRole('dialog', { name: 'Create machine' })
  await create.getByRole('combobox', { name: 'Region' }).selectOption('ny2')
  await create.getByRole('combobox', { name: 'Machine type' }).selectOption('C5')
  await expect(create.getByText(/C5 is (not )?available in/)).toBeVisible()
  await create.getByRole('button', { name: 'Cancel' }).click()

  await page.getByRole('main').getByRole('link', { name: ready.name, exact: true }).click()
  await expect(page.getByRole('heading', { name: ready.name, level: 1 })).toBeVisible()
  for (const section of ['Lifecycle', 'Settings', 'Desktop', 'Access', 'Events']) {
    await expect(page.getByRole('region', { name: section })).toBeVisible()
  }
  await page.waitForLoadState('networkidle')

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click()
  await expect(page.getByRole('heading', { name: 'Events', level: 1 })).toBeVisible()
  await page
    .getByRole('main')
    .getByRole('link', { name: /^Details of / })
    .first()
    .click()
  await expect(page).toHaveURL(/\/events\/[^/]+$/)
  await page.waitForLoadState('networkidle')

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Availability' }).click()
  await expect(page.getByText(/Last checked at/)).toBeVisible({ timeout: 20_000 })
  await page.goto('/no-such-page')
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible()
}

test('live mode: the server holds the key; nothing the browser receives contains it', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: liveServer.origin })
  const { seen, settled } = collect(context)
  const page = await context.newPage()
  await tour(page, context)
  await settled()
  expect(seen.filter((s) => s.url.includes('/api/v1/')).length).toBeGreaterThan(20)
  expectNoKey(seen)
  await context.close()
})

test('sign-in mode: the key goes in once; nothing the browser receives contains it', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: signInServer.origin })
  const { seen, sent, settled } = collect(context)
  const page = await context.newPage()
  await page.goto('/machines')
  await page.getByLabel('API key').fill('wrong-key-for-this-team')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toBeVisible()
  await page.getByLabel('API key').fill(KEY)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { name: 'Machines', level: 1 })).toBeVisible()
  await tour(page, context)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible()
  await settled()
  // The key did travel, once, to the server (so the search below knows what to look for)...
  expect(sent.filter((body) => body.includes(KEY))).toHaveLength(1)
  // ...and never came back.
  // Sign-in refused, sign-in, sign-out: the server's own /auth/session (not the API's, read through /api/v1).
  expect(seen.filter((s) => new URL(s.url).pathname === '/auth/session')).toHaveLength(3)
  expect(seen.filter((s) => s.url.includes('/api/v1/')).length).toBeGreaterThan(20)
  expectNoKey(seen)
  await context.close()
})

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'test-results') yield* files(path)
    } else yield path
  }
}

test('the built app holds no key or secret', async () => {
  // This run's keys, and any secret-looking value in the environment the app may have been built in.
  const secrets = [
    KEY,
    SESSION_SECRET,
    ...Object.entries(process.env)
      .filter(([name, value]) => /KEY|SECRET|TOKEN|PASSWORD/i.test(name) && (value?.length ?? 0) >= 12)
      .map(([, value]) => value as string),
  ]
  const found: string[] = []
  let scanned = 0
  for await (const path of files(STATIC_DIR)) {
    const text = (await readFile(path)).toString('latin1')
    scanned++
    for (const secret of secrets) if (forms(secret).some((form) => text.includes(form))) found.push(path)
  }
  expect(scanned).toBeGreaterThan(3)
  expect(found).toEqual([])
})
