/**
 * The modal dialog primitive in real Chromium: Escape closes it and focus goes back to the button that opened it,
 * also for a dialog whose owner unmounts it while open; while its action runs, Escape is refused.
 */
import { expect, test } from '@playwright/test'
import { apiGet } from './support/api'

interface Machine {
  id: string
  name: string
  state: string
}

test('Escape closes the create dialog and gives focus back to its button', async ({ page }) => {
  await page.goto('/machines')
  const opener = page.getByRole('button', { name: 'Create machine' })
  await opener.click()
  const dialog = page.getByRole('dialog', { name: 'Create machine' })
  await expect(dialog).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(opener).toBeFocused()

  // Cancel does the same.
  await opener.click()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(opener).toBeFocused()
})

test('Escape closes a dialog its owner unmounts, with focus back on the opener, and is refused while it runs', async ({
  page,
  request,
}) => {
  const machines = await apiGet<{ items: Machine[] }>(request, '/machines?limit=120')
  // A machine no other spec changes: the last ready one.
  const machine = machines.items.filter((candidate) => candidate.state === 'ready').at(-1)
  if (machine === undefined) throw new Error('the demo fleet has no ready machine')
  // Hold the restart in the browser for a moment, so that the action is visibly running.
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  await page.route(`**/api/v1/machines/${machine.id}/restart`, async (route) => {
    await held
    await route.continue()
  })
  await page.goto('/machines')
  await page.getByRole('checkbox', { name: `Select ${machine.name}`, exact: true }).check()
  const opener = page.getByRole('button', { name: 'Restart', exact: true })
  await opener.click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toHaveAccessibleName('Restart 1 machine?')
  // This dialog is unmounted by its owner when it closes: focus still goes back to the button that opened it.
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(opener).toBeFocused()

  await opener.click()
  await dialog.getByRole('button', { name: 'Restart 1 machine' }).click()
  await expect(dialog.getByRole('button', { name: 'Working…' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeVisible()
  release()
  await expect(dialog).toHaveAccessibleName('Restart: finished')
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(dialog).toBeHidden()
})
