import AxeBuilder from '@axe-core/playwright'
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'

interface Machine {
  id: string
  name: string
  state: string
}

async function readyMachine(request: APIRequestContext, skip: readonly string[] = []): Promise<Machine> {
  const response = await request.get('/api/v1/machines?limit=120')
  expect(response.ok()).toBe(true)
  const { items } = (await response.json()) as { items: Machine[] }
  const machine = items.find((m) => m.state === 'ready' && !skip.includes(m.id))
  if (!machine) throw new Error('the demo fleet has no ready machine left')
  return machine
}

async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations).toEqual([])
}

const eventRows = (page: Page) => page.getByRole('table', { name: 'Events, newest first' }).locator('tbody tr')

test('a machine stopped on its page shows up at the top of the event feed', async ({ page, request }) => {
  const machine = await readyMachine(request)
  await page.goto(`/machines/${machine.id}`)
  await expect(page.getByRole('heading', { level: 1, name: machine.name })).toBeVisible()
  await page.getByRole('region', { name: 'Lifecycle' }).getByRole('button', { name: 'Stop', exact: true }).click()
  await page
    .getByRole('dialog', { name: `Stop ${machine.name}?` })
    .getByRole('button', { name: 'Stop machine' })
    .click()

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible()
  const first = eventRows(page).first()
  await expect(first.getByRole('link', { name: machine.name, exact: true })).toBeVisible()
  await expect(first.getByRole('cell', { name: 'Stop', exact: true })).toBeVisible()
  await expect(first.getByText('Done')).toBeVisible({ timeout: 15_000 })

  await first.getByRole('link', { name: /^Details of stop/ }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Stop event' })).toBeVisible()
  await expect(page.getByRole('link', { name: machine.name, exact: true })).toHaveAttribute(
    'href',
    `/machines/${machine.id}`,
  )
})

test('a new event arrives on top while the reader stays where they were', async ({ page, request }) => {
  await page.goto('/events')
  await expect(eventRows(page)).toHaveCount(50)
  await page.mouse.wheel(0, 900)
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(600)

  // The first row whose top is inside the viewport: the reader's place.
  const anchor = await page.evaluate(() => {
    for (const row of document.querySelectorAll<HTMLElement>('tbody tr[data-row-id]')) {
      const top = row.getBoundingClientRect().top
      if (top > 0) return { id: row.dataset.rowId ?? '', top }
    }
    throw new Error('no row on screen')
  })

  const machine = await readyMachine(request)
  const stopped = await request.patch(`/api/v1/machines/${machine.id}/stop`, { headers: { 'X-CSRF': '1' } })
  expect(stopped.ok()).toBe(true)

  const pill = page.getByRole('button', { name: '1 new event' })
  await expect(pill).toBeVisible({ timeout: 15_000 })
  await expect(eventRows(page)).toHaveCount(51)
  const topNow = await page.evaluate(
    (id) => document.querySelector(`tr[data-row-id="${id}"]`)?.getBoundingClientRect().top,
    anchor.id,
  )
  expect(Math.abs((topNow ?? Number.NaN) - anchor.top)).toBeLessThanOrEqual(1)

  await pill.click()
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0)
  await expect(pill).toBeHidden()
  await expect(eventRows(page).first().getByRole('link', { name: machine.name, exact: true })).toBeVisible()
})

test('the availability grid shows every region and type, some unavailable, and links to create', async ({ page }) => {
  await page.goto('/availability')
  await expect(page.getByRole('heading', { level: 1, name: 'Availability' })).toBeVisible()
  const grid = page.getByRole('table', { name: /availability of each machine type/i })
  for (const region of ['NY2', 'CA1', 'AMS1']) {
    await expect(grid.getByRole('columnheader', { name: new RegExp(`\\(${region}\\)`) })).toBeVisible()
  }
  for (const type of ['C5', 'A100', 'H100x8'])
    await expect(grid.getByRole('rowheader', { name: type, exact: true })).toBeVisible()
  await expect(page.getByText(/Last checked at/)).toBeVisible({ timeout: 20_000 })
  await expect(grid.getByText('Checking…')).toHaveCount(0)
  expect(await grid.getByText('Unavailable', { exact: true }).count()).toBeGreaterThan(0)

  await grid.getByRole('link', { name: 'Available: create a C5 in Europe (AMS1)' }).click()
  await expect(page).toHaveURL(/\/machines\?/)
  const url = new URL(page.url())
  expect(url.searchParams.get('create')).toBe('1')
  expect(url.searchParams.get('createRegion')).toBe('ams1')
  expect(url.searchParams.get('createType')).toBe('C5')
  await expect(page.getByRole('dialog', { name: 'Create machine' })).toBeVisible()
})

for (const scheme of ['light', 'dark'] as const) {
  test(`events, an event and availability have no accessibility violations (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme })
    await page.goto('/events')
    await expect(eventRows(page).first()).toBeVisible()
    await expect(page.locator('html')).toHaveClass(scheme === 'dark' ? /dark/ : /^(?!.*dark)/)
    await expectNoAxeViolations(page)

    await eventRows(page)
      .first()
      .getByRole('link', { name: /^Details/ })
      .click()
    await expect(page.getByRole('heading', { level: 1, name: / event$/ })).toBeVisible()
    await expectNoAxeViolations(page)

    await page.goto('/availability')
    await expect(page.getByText(/Last checked at/)).toBeVisible({ timeout: 20_000 })
    await expectNoAxeViolations(page)
  })
}
