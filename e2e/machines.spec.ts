import { readFile } from 'node:fs/promises'
import AxeBuilder from '@axe-core/playwright'
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'

interface ApiMachine {
  id: string
  name: string
  state: string
}

/** Every machine of the simulated team, straight from the API (other specs change the fleet as we go). */
async function fleet(request: APIRequestContext): Promise<ApiMachine[]> {
  const machines: ApiMachine[] = []
  let after: string | undefined
  for (;;) {
    const response = await request.get(
      `/api/v1/machines?limit=120${after ? `&after=${encodeURIComponent(after)}` : ''}`,
    )
    expect(response.ok()).toBe(true)
    const page = (await response.json()) as { items: ApiMachine[]; hasMore: boolean; nextPage?: string }
    machines.push(...page.items)
    if (!page.hasMore || !page.nextPage) return machines
    after = page.nextPage
  }
}

function table(page: Page) {
  return page.getByRole('table', { name: 'Machines' })
}

/** Body rows: those holding a machine link. */
function rows(page: Page) {
  return table(page)
    .getByRole('row')
    .filter({ has: page.getByRole('link') })
}

function rowOf(page: Page, name: string) {
  return rows(page).filter({ has: page.getByRole('link', { name, exact: true }) })
}

async function names(page: Page): Promise<string[]> {
  return rows(page).getByRole('link').allTextContents()
}

async function openMachines(page: Page, path = '/machines') {
  await page.goto(path)
  await expect(page.getByRole('heading', { name: 'Machines', level: 1 })).toBeVisible()
  await expect(rows(page).first()).toBeVisible()
}

const naturally = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

test('filtering by name narrows the rows, and the URL keeps it', async ({ page, request }) => {
  const machines = await fleet(request)
  await openMachines(page)
  const before = await rows(page).count()
  const fragment = machines[0]?.name.split('-')[0] ?? 'train'
  await page.getByRole('searchbox', { name: 'Filter machines' }).fill(fragment)
  await expect(page).toHaveURL(new RegExp(`q=${fragment}`))
  await expect.poll(async () => (await names(page)).every((n) => n.toLowerCase().includes(fragment))).toBe(true)
  const after = await rows(page).count()
  expect(after).toBeGreaterThan(0)
  expect(after).toBeLessThan(before)
})

test('sorting by name orders the rows, both ways', async ({ page }) => {
  await openMachines(page)
  const header = page.getByRole('columnheader', { name: /Name/ })
  await expect(header).toHaveAttribute('aria-sort', 'ascending')
  const ascending = await names(page)
  expect(ascending).toEqual([...ascending].sort(naturally.compare))

  await page.getByRole('button', { name: 'Name', exact: true }).click()
  await expect(header).toHaveAttribute('aria-sort', 'descending')
  await expect(page).toHaveURL(/dir=desc/)
  const descending = await names(page)
  expect(descending).toEqual([...descending].sort(naturally.compare).reverse())
})

test('stopping two machines in bulk: they reach off', async ({ page, request }) => {
  const ready = (await fleet(request)).filter((m) => m.state === 'ready')
  const [first, second] = ready
  if (!first || !second) throw new Error('the demo fleet needs two ready machines')
  await openMachines(page)

  for (const machine of [first, second]) {
    await page.getByRole('checkbox', { name: `Select ${machine.name}`, exact: true }).check()
  }
  await page.getByRole('button', { name: 'Stop', exact: true }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toHaveAccessibleName('Stop 2 machines?')
  await expect(dialog.getByText(first.name, { exact: true })).toBeVisible()
  await expect(dialog.getByText(second.name, { exact: true })).toBeVisible()
  await dialog.getByRole('button', { name: 'Stop 2 machines' }).click()
  await expect(dialog).toHaveAccessibleName('Stop: finished')
  await expect(dialog.getByText('Accepted', { exact: true })).toHaveCount(2)
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(dialog).toBeHidden()

  for (const machine of [first, second]) {
    await expect(rowOf(page, machine.name).getByRole('cell').nth(2)).toHaveText('Off', { timeout: 20_000 })
  }
})

test('creating a machine: it shows at once and reaches ready', async ({ page }) => {
  await openMachines(page)
  await page.getByRole('button', { name: 'Create machine' }).click()
  const dialog = page.getByRole('dialog', { name: 'Create machine' })
  await expect(page).toHaveURL(/create=1/)
  const name = `list-e2e-${Date.now().toString(36)}`
  await dialog.getByRole('textbox', { name: 'Name' }).fill(name)
  await dialog.getByRole('combobox', { name: 'Region' }).selectOption('ny2')
  await dialog.getByRole('combobox', { name: 'Machine type' }).selectOption('C5')
  await expect(dialog.getByText('C5 is available in East Coast (NY2) right now.')).toBeVisible()
  await dialog.getByRole('button', { name: 'Create machine' }).click()
  await expect(dialog).toBeHidden()
  await expect(page).not.toHaveURL(/create=1/)

  const state = rowOf(page, name).getByRole('cell').nth(2)
  await expect(state).toHaveText(/Provisioning|Starting/)
  await expect(state).toHaveText('Ready', { timeout: 30_000 })
})

test('a reload keeps the view', async ({ page }) => {
  await openMachines(page, '/machines?q=a&state=ready&sort=cpus&dir=desc')
  const check = async () => {
    await expect(page.getByRole('searchbox', { name: 'Filter machines' })).toHaveValue('a')
    await expect(page.getByRole('combobox', { name: 'State' })).toHaveValue('ready')
    await expect(page.getByRole('columnheader', { name: /CPUs/ })).toHaveAttribute('aria-sort', 'descending')
  }
  await check()
  await page.getByRole('combobox', { name: 'Region' }).selectOption('ny2')
  await expect(page).toHaveURL(/region=ny2/)
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Machines', level: 1 })).toBeVisible()
  await check()
  await expect(page.getByRole('combobox', { name: 'Region' })).toHaveValue('ny2')
})

test('exporting the filtered view downloads its rows as CSV, in view order', async ({ page }) => {
  await openMachines(page, '/machines?q=-&sort=name&dir=desc')
  const shown = await names(page)
  expect(shown.length).toBeGreaterThan(1)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^machines-\d{4}-\d{2}-\d{2}\.csv$/)
  const path = await download.path()
  const text = (await readFile(path, 'utf8')).replace(/^\ufeff/, '')
  const lines = text.trimEnd().split('\r\n')
  expect(lines[0]).toBe('Name,ID,State,Machine type,GPU,Region,CPUs,RAM,Public IP,Auto-shutdown,Last run')
  expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(shown)
})

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no violations (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme })
    await openMachines(page)
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([])

    await page
      .getByRole('checkbox', { name: /^Select / })
      .first()
      .check()
    await page.getByRole('button', { name: 'Create machine' }).click()
    await expect(page.getByRole('dialog', { name: 'Create machine' })).toBeVisible()
    await page.getByRole('dialog').getByRole('button', { name: 'Create machine' }).click()
    await expect(page.getByText('Enter a name.')).toBeVisible()
    // Axe judges what is on screen: keep the pointer off the buttons so no hover colour is measured.
    await page.mouse.move(0, 0)
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([])
  })
}
