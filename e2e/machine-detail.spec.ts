import AxeBuilder from '@axe-core/playwright'
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import { apiAccessors, apiGet } from './support/api'

interface Machine {
  id: string
  name: string
  state: string
}

interface Accessor {
  userId: string
  email: string
}

async function fleet(request: APIRequestContext): Promise<Machine[]> {
  return (await apiGet<{ items: Machine[] }>(request, '/machines?limit=120')).items
}

async function machineIn(request: APIRequestContext, state: string, skip: readonly string[] = []): Promise<Machine> {
  const machine = (await fleet(request)).find((m) => m.state === state && !skip.includes(m.id))
  if (!machine) throw new Error(`the demo fleet has no ${state} machine left`)
  return machine
}

function accessorsOf(request: APIRequestContext, id: string): Promise<Accessor[]> {
  return apiAccessors<Accessor>(request, id)
}

const machineState = (page: Page) => page.getByRole('status', { name: 'Machine state' })

async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze()
  expect(results.violations).toEqual([])
}

test('open a machine from the list, stop it after confirming, start it again', async ({ page, request }) => {
  const machine = await machineIn(request, 'ready')
  await page.goto('/machines')
  await page.getByRole('main').getByRole('link', { name: machine.name, exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`/machines/${machine.id}$`))
  await expect(page.getByRole('heading', { level: 1, name: machine.name })).toBeVisible()
  await expect(machineState(page)).toContainText('Ready')

  const lifecycle = page.getByRole('region', { name: 'Lifecycle' })
  await expect(lifecycle.getByRole('button', { name: 'Start', exact: true })).toBeDisabled()
  await lifecycle.getByRole('button', { name: 'Stop', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: `Stop ${machine.name}?` })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Stop machine' }).click()
  await expect(machineState(page)).toContainText('Stopping')
  await expect(machineState(page)).toContainText('Off')
  await expect(page.getByText(`${machine.name} is off`)).toBeVisible()

  await lifecycle.getByRole('button', { name: 'Start', exact: true }).click()
  await expect(machineState(page)).toContainText('Starting')
  await expect(machineState(page)).toContainText('Ready')
  await expect(page.getByText(`${machine.name} is ready`)).toBeVisible()
  await expect(lifecycle.getByRole('button', { name: 'Stop', exact: true })).toBeEnabled()
})

test('grant access to a teammate, see them listed, revoke it', async ({ page, request }) => {
  const machines = await fleet(request)
  const machine = machines[0] as Machine
  const have = new Set((await accessorsOf(request, machine.id)).map((a) => a.userId))
  let teammate: Accessor | undefined
  for (const other of machines.slice(1)) {
    teammate = (await accessorsOf(request, other.id)).find((a) => !have.has(a.userId))
    if (teammate) break
  }
  if (!teammate) throw new Error('no teammate without access was found')

  await page.goto(`/machines/${machine.id}`)
  const access = page.getByRole('region', { name: 'Access' })
  await expect(access.getByRole('table')).toBeVisible()
  await access.getByRole('combobox', { name: 'User ID' }).fill(teammate.userId)
  await access.getByRole('button', { name: 'Grant access' }).click()
  await expect(access.getByText(`Granted access to ${teammate.email}.`)).toBeVisible()
  await expect(access.getByRole('cell', { name: teammate.email, exact: true })).toBeVisible()

  await access.getByRole('button', { name: `Revoke access for ${teammate.email}` }).click()
  const dialog = page.getByRole('dialog', { name: `Revoke access for ${teammate.email}?` })
  await dialog.getByRole('button', { name: 'Revoke access' }).click()
  await expect(access.getByText(`Revoked access for ${teammate.email}.`)).toBeVisible()
  await expect(access.getByRole('cell', { name: teammate.email, exact: true })).toHaveCount(0)
  expect((await accessorsOf(request, machine.id)).map((a) => a.userId)).not.toContain(teammate.userId)
})

test('reveal the desktop token of a running machine', async ({ page, request }) => {
  const machine = await machineIn(request, 'ready')
  const desktop = await apiGet<{ token: string }>(request, `/machines/${machine.id}/desktop`)
  await page.goto(`/machines/${machine.id}`)
  const section = page.getByRole('region', { name: 'Desktop' })
  await expect(section.getByRole('button', { name: 'Copy token' })).toBeVisible()
  await expect(section.getByText(desktop.token)).toHaveCount(0)
  await section.getByRole('button', { name: 'Reveal token' }).click()
  await expect(section.getByText(desktop.token)).toBeVisible()
})

test('delete a machine by typing its name and land on the list without it', async ({ page, request }) => {
  const machine = await machineIn(request, 'off')
  await page.goto(`/machines/${machine.id}`)
  await page.getByRole('region', { name: 'Delete machine' }).getByRole('button', { name: 'Delete machine' }).click()
  const dialog = page.getByRole('dialog', { name: `Delete ${machine.name}?` })
  await expect(dialog.getByRole('button', { name: 'Delete permanently' })).toBeDisabled()
  await dialog.getByRole('textbox', { name: `Type ${machine.name} to confirm` }).fill(machine.name)
  await dialog.getByRole('button', { name: 'Delete permanently' }).click()
  await expect(page).toHaveURL(/\/machines$/)
  await expect(page.getByText(`Deleted ${machine.name}`)).toBeVisible()
  await expect(page.getByRole('heading', { level: 1, name: 'Machines' })).toBeVisible()
  await expect(page.getByRole('main').getByRole('link', { name: machine.name, exact: true })).toHaveCount(0)
  expect((await request.get(`/api/v1/machines/${machine.id}`)).status()).toBe(404)

  await page.goto(`/machines/${machine.id}`)
  await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Back to machines' })).toBeVisible()
})

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the page has no axe violations (${colorScheme})`, async ({ page, request }) => {
    await page.emulateMedia({ colorScheme })
    const ready = await machineIn(request, 'ready')
    await page.goto(`/machines/${ready.id}`)
    await expect(page.getByRole('heading', { level: 1, name: ready.name })).toBeVisible()
    await expect(page.getByRole('region', { name: 'Access' }).getByRole('table')).toBeVisible()
    await expect(page.getByRole('region', { name: 'Events' }).getByRole('list')).toBeVisible()
    await page.getByRole('region', { name: 'Desktop' }).getByRole('button', { name: 'Reveal token' }).click()
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(colorScheme === 'dark')
    await expectNoAxeViolations(page)

    await page
      .getByRole('region', { name: 'Access' })
      .getByRole('button', { name: 'Grant to several machines…' })
      .click()
    await expect(page.getByRole('dialog').getByRole('checkbox').first()).toBeVisible()
    await expectNoAxeViolations(page)
    await page.keyboard.press('Escape')

    const off = await machineIn(request, 'off')
    await page.goto(`/machines/${off.id}`)
    await expect(page.getByRole('heading', { level: 1, name: off.name })).toBeVisible()
    await page.getByRole('region', { name: 'Settings' }).getByRole('textbox', { name: 'Name' }).fill('')
    await page.getByRole('region', { name: 'Settings' }).getByRole('button', { name: 'Save settings' }).click()
    await expect(page.getByText('Enter a name.')).toBeVisible()
    await expectNoAxeViolations(page)
  })
}
