import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import type { Machine } from '../src/api/normalize'
import type { components } from '../src/api/schema'
import { gpuSummary } from '../src/lib/accelerators'
import { apiAccessors, apiGet } from './support/api'

type Accessor = components['schemas']['Accessor']
type MachineEvent = components['schemas']['MachineEvent'] & { dtFinished?: string | null }
interface RawMachine {
  id: string
  name: string
  ram: unknown
  region: string
  state: string
}

// Each project runs the suite against its own server: `contract` speaks the contract's shapes, `live` the live
// Paperspace service's. This spec checks that the server really speaks its project's dialect, that the app's
// normaliser gives specs (and pages) the same shapes either way, and that what the live service leaves out (a
// machine's gpu, last run and owner; whole accessor lists in one answer) still reaches the admin.

const CSRF = { 'X-CSRF': '1' }

function rowOf(page: Page, name: string) {
  return page
    .getByRole('table', { name: 'Machines' })
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) })
}

async function machines(request: APIRequestContext): Promise<Machine[]> {
  return (await apiGet<{ items: Machine[] }>(request, '/machines?limit=120')).items
}

/** Waits (on the simulator's sped-up clock) until the machine reports `state`. */
async function settlesAt(request: APIRequestContext, id: string, state: string): Promise<Machine> {
  let machine: Machine | undefined
  await expect
    .poll(
      async () => {
        machine = await apiGet<Machine>(request, `/machines/${id}`)
        return machine.state
      },
      { timeout: 30_000 },
    )
    .toBe(state)
  return machine as Machine
}

/** The machine the team shares with everyone (its accessor list is longer than one page of the live service). */
async function sharedMachine(request: APIRequestContext): Promise<Machine> {
  const fleet = await machines(request)
  const oldest = [...fleet].sort((a, b) => Date.parse(a.dtCreated ?? '') - Date.parse(b.dtCreated ?? ''))[0]
  if (!oldest) throw new Error('the demo fleet is empty')
  return oldest
}

test('the server answers in this project’s dialect', async ({ request }, testInfo) => {
  const live = testInfo.project.name === 'live'
  const raw = (await (await request.get('/api/v1/machines?limit=120')).json()) as {
    items: RawMachine[]
    nextPage?: string | null
  }
  expect(raw.items.some((m) => typeof m.ram === 'string')).toBe(live)
  expect(raw.items.some((m) => m.region.includes('('))).toBe(live)
  expect(raw.nextPage === null).toBe(live)
  // The live service knows no failed state (the contract's fleet starts with a few failed machines), and sends no
  // gpu, dtLastRun or owner.
  if (live) {
    expect(raw.items.map((m) => m.state)).not.toContain('failed')
    for (const field of ['gpu', 'dtLastRun', 'userId', 'teamId']) {
      expect(raw.items.some((m) => field in m)).toBe(false)
    }
    expect(raw.items.every((m) => 'accelerators' in m && 'updatesPending' in m)).toBe(true)
  }

  const machine = raw.items[0] as RawMachine
  const accessors = (await (await request.get(`/api/v1/machines/${machine.id}/accessors`)).json()) as unknown
  if (live) expect(accessors).toMatchObject({ items: expect.any(Array), hasMore: false, nextPage: null })
  else expect(Array.isArray(accessors)).toBe(true)
  const availability = await request.get('/api/v1/machine-availability?machineType=C5&region=ny2')
  expect(Object.keys(await availability.json()).sort()).toEqual(
    live ? ['available'] : ['available', 'machineType', 'region'],
  )
})

test('specs read the contract’s shapes in both dialects', async ({ request }) => {
  const items = await machines(request)
  expect(items.every((m) => typeof m.ram === 'number' && typeof m.storageTotal === 'number')).toBe(true)
  expect(new Set(items.map((m) => m.region))).toEqual(new Set(['ny2', 'ca1', 'ams1']))
  const id = items[0]?.id ?? ''
  const accessors = await apiAccessors<Accessor>(request, id)
  expect(accessors.length).toBeGreaterThan(0)
  for (const accessor of accessors) {
    expect(accessor).toMatchObject({ userId: expect.any(String), email: expect.any(String), machineId: id })
  }
})

test('the GPU column shows each machine’s GPUs: the accelerators, where the service lists them', async ({
  page,
  request,
}, testInfo) => {
  const live = testInfo.project.name === 'live'
  const withGpus = (await machines(request)).filter((m) => m.gpu)
  expect(withGpus.length).toBeGreaterThan(3)
  await page.goto('/machines')
  for (const machine of withGpus.slice(0, 6)) {
    if (live) expect(machine.accelerators?.length).toBeGreaterThan(0)
    const expected = gpuSummary(machine)
    expect(expected).not.toBe('')
    await expect(
      rowOf(page, machine.name ?? '')
        .getByRole('cell')
        .nth(4),
    ).toHaveText(expected)
  }
  const cpu = (await machines(request)).find((m) => !m.gpu && m.machineType?.startsWith('C'))
  if (cpu)
    await expect(
      rowOf(page, cpu.name ?? '')
        .getByRole('cell')
        .nth(4),
    ).toHaveText('—')
})

test('Last run shows when the machine last started: its start event, where the service has no dtLastRun', async ({
  page,
  request,
}, testInfo) => {
  const fleet = await machines(request)
  const off = fleet.find((m) => m.state === 'off' && m.name !== undefined)
  if (!off?.id) throw new Error('the demo fleet has no machine off')
  expect((await request.patch(`/api/v1/machines/${off.id}/start`, { headers: CSRF })).ok()).toBe(true)
  const ready = await settlesAt(request, off.id, 'ready')
  const events = await apiGet<{ items: MachineEvent[] }>(request, `/machine-events?machineId=${off.id}&limit=20`)
  const start = events.items.find((event) => event.type === 'start' && event.state === 'done')
  expect(start).toBeDefined()
  // The contract tells it as dtLastRun; the live service only through the start event's end.
  const startedAt = testInfo.project.name === 'live' ? (start?.dtFinished ?? '') : (ready.dtLastRun ?? '')
  expect(startedAt).not.toBe('')
  expect(ready.dtLastRun === undefined).toBe(testInfo.project.name === 'live')

  await page.goto('/machines')
  // Rows look their last start up once they are on screen (the page may still settle its scroll position).
  const row = rowOf(page, off.name ?? '')
  const lastRun = row.getByRole('cell').nth(10)
  await expect(async () => {
    await row.scrollIntoViewIfNeeded()
    await expect(lastRun.locator('time')).toHaveAttribute('datetime', startedAt, { timeout: 2_000 })
  }).toPass({ timeout: 15_000 })
  await expect(lastRun).toHaveText(/ago|now/)

  // The machine's page says the same.
  await page.getByRole('main').getByRole('link', { name: off.name, exact: true }).click()
  await expect(page.getByRole('heading', { level: 1, name: off.name })).toBeVisible()
  await expect(page.getByRole('main').locator(`time[datetime="${startedAt}"]`).first()).toBeVisible()
})

test('the Access section lists everyone, however many pages the service takes', async ({ page, request }, testInfo) => {
  const shared = await sharedMachine(request)
  const everyone = await apiAccessors<Accessor>(request, shared.id ?? '')
  expect(everyone.length).toBeGreaterThan(20)
  if (testInfo.project.name === 'live') {
    const first = (await (await request.get(`/api/v1/machines/${shared.id}/accessors`)).json()) as {
      items: unknown[]
      hasMore: boolean
    }
    expect(first.hasMore).toBe(true)
    expect(first.items.length).toBeLessThan(everyone.length)
  }
  await page.goto(`/machines/${shared.id}`)
  const access = page.getByRole('region', { name: 'Access' })
  const table = access.getByRole('table', { name: `People with access to ${shared.name}` })
  await expect(table.getByRole('row')).toHaveCount(everyone.length + 1)
  const last = everyone.at(-1) as Accessor
  await expect(table.getByRole('cell', { name: last.userId, exact: true })).toBeVisible()
})

test('create with a start and two people to grant: it runs, and both can use it', async ({ page, request }) => {
  // The last people on the shared machine joined the team last: no machine of their own, not the key's owner.
  const shared = await sharedMachine(request)
  const people = (await apiAccessors<Accessor>(request, shared.id ?? '')).filter((a) => a.userId).slice(-2)
  expect(people).toHaveLength(2)

  await page.goto('/machines?create=1')
  const dialog = page.getByRole('dialog', { name: 'Create machine' })
  const name = `grant-e2e-${Date.now().toString(36)}`
  await dialog.getByRole('textbox', { name: 'Name' }).fill(name)
  await dialog.getByRole('combobox', { name: 'Region' }).selectOption('ny2')
  await dialog.getByRole('combobox', { name: 'Machine type' }).selectOption('C5')
  await expect(dialog.getByRole('checkbox', { name: 'Start the machine once it is created' })).toBeChecked()
  const picker = dialog.getByRole('combobox', { name: 'People to grant access' })
  for (const person of people) {
    await picker.fill(person.userId ?? '')
    await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  }
  const chosen = dialog.getByRole('list', { name: 'People to grant access' })
  await expect(chosen.getByRole('listitem')).toHaveCount(2)
  await dialog.getByRole('button', { name: 'Create machine' }).click()
  await expect(dialog).toBeHidden()

  const state = rowOf(page, name).getByRole('cell').nth(2)
  await expect(state).toHaveText('Ready', { timeout: 30_000 })
  const created = (await machines(request)).find((m) => m.name === name)
  expect(created?.state).toBe('ready')
  const granted = (await apiAccessors<Accessor>(request, created?.id ?? '')).map((a) => a.userId)
  for (const person of people) expect(granted).toContain(person.userId)

  await page.getByRole('main').getByRole('link', { name, exact: true }).click()
  const access = page.getByRole('region', { name: 'Access' })
  for (const person of people) {
    await expect(access.getByRole('cell', { name: person.userId, exact: true })).toBeVisible()
  }
})
