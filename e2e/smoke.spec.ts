import { expect, test } from '@playwright/test'

test('the app opens on the machine list of the simulated team', async ({ page }) => {
  await page.goto('/')
  await expect(page).toHaveURL(/\/machines$/)
  await expect(page.getByRole('heading', { name: 'Machines', level: 1 })).toBeVisible()
  await expect(page.getByText('Demo data')).toBeVisible()
  const machineLinks = page.getByRole('main').getByRole('link').filter({ hasText: /\S/ })
  await expect(machineLinks.first()).toBeVisible()
  expect(await machineLinks.count()).toBeGreaterThanOrEqual(40)
})

test('a deep link to a machine opens its page', async ({ page, request }) => {
  const list = await request.get('/api/v1/machines?limit=1')
  expect(list.ok()).toBe(true)
  const { items } = (await list.json()) as { items: Array<{ id: string; name: string }> }
  const machine = items[0]
  if (!machine) throw new Error('the simulator served no machine')
  await page.goto(`/machines/${machine.id}`)
  await expect(page.getByRole('heading', { name: machine.name, level: 1 })).toBeVisible()
})
