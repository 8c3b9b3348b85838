/**
 * How many table rows a poll costs: an unchanged poll renders no row again, a changed machine renders its own row
 * only. The real row component is wrapped, keeping its memo comparison, so every render it does is counted.
 */
import { screen, waitFor, within } from '@testing-library/react'
import { type ComponentType, memo } from 'react'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MachineRowProps } from './machine-row'
import { bodyRows, loadMachinesPageCode, openMachinesPage, rowOf, stateIn } from './machines-test-helpers'

/** Machine id → how many times its row rendered since the last reset. */
const rowRenders = vi.hoisted(() => new Map<string, number>())

vi.mock('./machine-row', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./machine-row')>()
  // What `memo(Component, compare?)` returns; a plain component has no `type`.
  const real = actual.MachineRow as unknown as {
    type?: ComponentType<MachineRowProps>
    compare?: ((a: MachineRowProps, b: MachineRowProps) => boolean) | null
  }
  const Inner = real.type ?? (actual.MachineRow as unknown as ComponentType<MachineRowProps>)
  function CountedRow(props: MachineRowProps) {
    const id = props.machine.id ?? ''
    rowRenders.set(id, (rowRenders.get(id) ?? 0) + 1)
    return <Inner {...props} />
  }
  // A memoised row stays memoised with the same comparison; a row that is not memoised is counted as it is.
  return { ...actual, MachineRow: real.type ? memo(CountedRow, real.compare ?? undefined) : CountedRow }
})

const TEST_KEY = 'test-key'

function renderedRows(): Record<string, number> {
  return Object.fromEntries(rowRenders)
}

/** Refreshes with the page's own button and waits until the page shows the new refresh time. */
async function refresh(app: Awaited<ReturnType<typeof openMachinesPage>>): Promise<void> {
  const stamp = () =>
    screen
      .getByText(/Last refreshed/)
      .querySelector('time')
      ?.getAttribute('datetime')
  const before = stamp()
  const lists = app.requests.length
  // The refresh time has millisecond precision: make sure the next one differs.
  await new Promise((resolve) => setTimeout(resolve, 2))
  await app.user.click(screen.getByRole('button', { name: 'Refresh' }))
  await waitFor(() => expect(stamp()).not.toBe(before))
  await waitFor(() => expect(screen.getByRole('button', { name: 'Refresh' })).not.toHaveAttribute('aria-busy', 'true'))
  expect(app.requests.slice(lists).some((request) => request.startsWith('GET /machines?limit=120'))).toBe(true)
}

describe('machine rows on a poll', () => {
  beforeAll(loadMachinesPageCode)
  beforeEach(() => rowRenders.clear())

  it.each([
    { fleet: 40, layout: 'every row in the DOM' },
    { fleet: 300, layout: 'virtualised' },
  ])(
    'renders no row for an unchanged poll and only the changed row otherwise ($fleet machines, $layout)',
    async ({ fleet }) => {
      const app = await openMachinesPage('/machines', { machines: fleet })
      const shown = bodyRows()
      expect(shown.length).toBeGreaterThan(10)
      expect(rowRenders.size).toBeGreaterThanOrEqual(shown.length)

      // A poll that brings back the same fleet.
      rowRenders.clear()
      await refresh(app)
      expect(renderedRows()).toEqual({})

      // One machine changes (stopped through the API, as another user would), then the next poll.
      const visibleNames = new Set(shown.map((row) => row.querySelector('a')?.textContent))
      const target = app.simulator.store.machines.find((m) => m.state === 'ready' && visibleNames.has(m.name))
      if (!target?.id || !target.name) throw new Error('no ready machine in view')
      const stopped = await app.simulator.fetch(
        new Request(`http://simulator.test/v1/machines/${target.id}/stop`, {
          method: 'PATCH',
          headers: { Authorization: `Bearer ${TEST_KEY}` },
        }),
      )
      expect(stopped.status).toBe(200)

      rowRenders.clear()
      await refresh(app)
      await waitFor(() => expect(stateIn(rowOf(target.name ?? ''))).toBe('Stopping'))
      expect(Object.keys(renderedRows())).toEqual([target.id])
      expect(within(rowOf(target.name)).getByRole('link', { name: target.name })).toBeInTheDocument()
    },
  )
})
