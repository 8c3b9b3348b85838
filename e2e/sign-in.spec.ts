/**
 * Sign-in mode (PAPERSPACE_AUTH=signin) end to end: the standalone simulator stands in for Paperspace, the server
 * runs in front of it as an admin would run it, and each admin signs in with their own key.
 */
import { createServer, type Server } from 'node:http'
import AxeBuilder from '@axe-core/playwright'
import { type BrowserContext, expect, type Page, test } from '@playwright/test'
import { apiGet } from './support/api'
import { dialectOf, makeApiKey, portsFrom, type Running, startServer, startSimulator } from './support/servers'

interface Machine {
  id: string
  name: string
  state: string
}

const KEY = makeApiKey()
let simulator: Running
let server: Running
/** A page of another site, on its own port. */
let otherSite: Server
let otherOrigin = ''

test.beforeAll(async () => {
  const testInfo = test.info()
  const port = portsFrom(8300, testInfo)
  simulator = await startSimulator({ port: port(1), apiKey: KEY, dialect: dialectOf(testInfo) })
  server = await startServer({ port: port(2), upstream: simulator.origin, mode: 'signin' })
  otherOrigin = `http://127.0.0.1:${port(3)}`
  otherSite = createServer((_request, response) => {
    // Forms that post to the app from elsewhere, as a malicious page would: no custom header can be set.
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    response.end(`<!doctype html><html lang="en"><title>Another site</title><body>
      <form method="post" action="${server.origin}/auth/session" enctype="text/plain">
        <input name='{"apiKey":"${KEY}","x":"' value='"}'><button>Sign in there</button>
      </form>
      <form method="post" action="${server.origin}/api/v1/machines">
        <input name="name" value="planted-by-another-site"><input name="region" value="ny2">
        <input name="machineType" value="C5"><input name="templateId" value="t0nspur5">
        <button>Create there</button>
      </form>
    </body></html>`)
  })
  await new Promise<void>((done) => otherSite.listen(port(3), '127.0.0.1', done))
})

test.afterAll(async () => {
  await new Promise((done) => otherSite?.close(done))
  await server?.stop()
  await simulator?.stop()
})

async function newPage(browser: import('@playwright/test').Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: server.origin })
  return { context, page: await context.newPage() }
}

const keyField = (page: Page) => page.getByLabel('API key')

async function signIn(page: Page, key: string) {
  await keyField(page).fill(key)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

test('sign in with your own key, use the app, sign out', async ({ browser }) => {
  const { context, page } = await newPage(browser)
  await page.goto('/events')
  await expect(page).toHaveURL(/\/sign-in\?redirect=%2Fevents$/)
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible()
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0)
  await expect(keyField(page)).toHaveAttribute('type', 'password')
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([])

  // A bad key: a clear message, the field emptied, still here.
  await signIn(page, 'not-a-key-of-this-team')
  await expect(page.getByRole('alert')).toHaveText('Paperspace did not accept this API key.')
  await expect(keyField(page)).toHaveValue('')
  await expect(page).toHaveURL(/\/sign-in/)

  await signIn(page, KEY)
  await expect(page).toHaveURL(/\/events$/)
  await expect(page.getByRole('heading', { name: 'Events', level: 1 })).toBeVisible()
  const [cookie] = (await context.cookies()).filter((c) => c.name === 'fleet_session')
  expect(cookie?.httpOnly).toBe(true)
  expect(cookie?.sameSite).toBe('Strict')
  expect(cookie?.value).not.toContain(KEY)
  // Nothing of the key is kept in the page's storage either.
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))
  expect(stored).not.toContain(KEY)

  // Use the app: start a machine that is off, and see it come up.
  const machines = (await apiGet<{ items: Machine[] }>(context.request, '/machines?limit=120')).items
  const off = machines.find((m) => m.state === 'off')
  if (!off) throw new Error('the simulated fleet has no machine that is off')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Machines' }).click()
  await page.getByRole('main').getByRole('link', { name: off.name, exact: true }).click()
  await expect(page.getByRole('heading', { name: off.name, level: 1 })).toBeVisible()
  await page.getByRole('region', { name: 'Lifecycle' }).getByRole('button', { name: 'Start', exact: true }).click()
  await expect(page.getByRole('status', { name: 'Machine state' })).toContainText('Ready', { timeout: 20_000 })

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeVisible()
  expect((await context.cookies()).filter((c) => c.name === 'fleet_session' && c.value)).toEqual([])
  const refused = await context.request.get('/api/v1/machines?limit=1')
  expect(refused.status()).toBe(401)
  expect(await refused.json()).toMatchObject({ code: 'SIGNED_OUT' })
  // Back by the address bar: the sign-in page again, asking to come back here.
  await page.goto(`/machines/${off.id}`)
  await expect(page).toHaveURL(new RegExp(`/sign-in\\?redirect=%2Fmachines%2F${off.id}$`))
  await context.close()
})

test('a form on another site cannot sign in or act: 403, and nothing changed', async ({ browser }) => {
  const { context, page } = await newPage(browser)
  await page.goto('/sign-in')
  await signIn(page, KEY)
  await expect(page.getByRole('heading', { name: 'Machines', level: 1 })).toBeVisible()
  const before = (await apiGet<{ items: Machine[] }>(context.request, '/machines?limit=120')).items

  const elsewhere = await context.newPage()
  for (const [button, path] of [
    ['Create there', '/api/v1/machines'],
    ['Sign in there', '/auth/session'],
  ] as const) {
    await elsewhere.goto(otherOrigin)
    const [answer] = await Promise.all([
      elsewhere.waitForResponse((response) => response.url() === `${server.origin}${path}`),
      elsewhere.getByRole('button', { name: button }).click(),
    ])
    expect(answer.status(), `${button} → ${path}`).toBe(403)
    await elsewhere.waitForLoadState()
  }

  const after = (await apiGet<{ items: Machine[] }>(context.request, '/machines?limit=120')).items
  expect(after.map((m) => m.id).sort()).toEqual(before.map((m) => m.id).sort())
  expect(after.some((m) => m.name === 'planted-by-another-site')).toBe(false)

  // A browser that never signed in got no session from the other site's form either.
  const fresh = await browser.newContext({ baseURL: server.origin })
  const stranger = await fresh.newPage()
  await stranger.goto(otherOrigin)
  await Promise.all([
    stranger.waitForResponse(`${server.origin}/auth/session`),
    stranger.getByRole('button', { name: 'Sign in there' }).click(),
  ])
  expect((await fresh.request.get('/api/meta').then((r) => r.json())) as unknown).toEqual({
    mode: 'signin',
    signedIn: false,
  })
  await fresh.close()
  await context.close()
})
