/** Queries the machines page tests share: the table, its rows in view order, and opening the page. */
import { screen } from '@testing-library/react'
import { renderApp } from '../../../test/render'

export type App = Awaited<ReturnType<typeof renderApp>>

export function machinesTable() {
  return screen.getByRole('table', { name: 'Machines' })
}

/**
 * The machine rows in view order (the header row and spacer rows left out). Read from the DOM directly: role
 * queries over every cell of a long table are slow in jsdom, and the table itself was found by its role.
 */
export function bodyRows(): HTMLTableRowElement[] {
  return [...machinesTable().querySelectorAll<HTMLTableRowElement>('tbody tr[aria-rowindex]')]
}

/** The machine names of the rows, in view order (each row's link). */
export function rowNames(): string[] {
  return bodyRows().map((row) => row.querySelector('a')?.textContent ?? '')
}

/** The state shown in a row (the badge in the third cell). */
export function stateIn(row: HTMLElement) {
  return row.querySelectorAll('td')[2]?.textContent
}

export function rowOf(name: string): HTMLTableRowElement {
  const row = bodyRows().find((r) => r.querySelector('a')?.textContent === name)
  if (!row) throw new Error(`no row for ${name}`)
  return row
}

export async function openMachinesPage(path: string, options: Parameters<typeof renderApp>[1] = {}) {
  const app = await renderApp(path, options)
  await screen.findByRole('heading', { name: 'Machines', level: 1 })
  return app
}

export function searchOf(app: App) {
  return app.router.state.location.search as Record<string, unknown>
}

/** Puts text into a field in one input event, as a paste would (quicker than typing it key by key). */
export async function fill(app: App, field: HTMLElement, text: string) {
  await app.user.clear(field)
  if (text !== '') await app.user.paste(text)
}

/**
 * Renders the page once before the tests of a file, so the route's split code (and the dialogs it loads on first
 * use) is loaded and transformed up front instead of inside the first test's time budget.
 */
export async function loadMachinesPageCode() {
  const app = await openMachinesPage('/machines', { machines: 0 })
  app.unmount()
  await Promise.all([import('./create-machine-dialog'), import('./bulk-action-dialog')])
}
