import { screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eventKeys } from '../../api/event-keys'
import { runLifecycleAction } from '../../api/machine-mutations'
import { renderApp } from '../../test/render'

// Line the page's clock up with the simulator's, so "last hour" and "3 minutes ago" mean the same to both.
const SIM_NOW = new Date('2026-11-28T12:00:00Z')

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(SIM_NOW)
})
afterEach(() => {
  vi.useRealTimers()
})

function eventRows(): HTMLTableRowElement[] {
  const table = screen.getByRole('table', { name: /events, newest first/i })
  return [...table.querySelectorAll<HTMLTableRowElement>('tbody tr')]
}

describe('/events, live', () => {
  it('puts new events on top without reloading the loaded pages, and keeps the reader in place', async () => {
    const layout = simulateLayout()
    try {
      const app = await renderApp('/events')
      const { user, simulator, queryClient, requests } = app
      await user.click(await screen.findByRole('button', { name: 'Load more events' }))
      await waitFor(() => expect(eventRows()).toHaveLength(100))

      // The reader scrolls down into the list.
      layout.scrollTo(1_010)
      const anchor = eventRows()[19]!
      const anchorTop = anchor.getBoundingClientRect().top
      // The page measures the scroll in an animation frame it asked for during the scroll event; a frame asked for
      // now runs after it, so once this one has run the page knows the reader is away from the top.
      await new Promise((resolve) => window.requestAnimationFrame(resolve))
      expect(layout.frames()).toBeGreaterThan(0)

      // Someone stops a machine; the next poll of the newest page brings the event.
      const machine = simulator.store.machines.find((m) => m.state === 'ready')!
      await runLifecycleAction(machine.id!, 'stop')
      const before = requests.length
      await queryClient.invalidateQueries({ queryKey: eventKeys.latest() })

      const pill = await screen.findByRole('button', { name: '1 new event' })
      const top = eventRows()[0]!
      expect(within(top).getByRole('link', { name: machine.name })).toBeInTheDocument()
      expect(within(top).getByText('Stop')).toBeInTheDocument()
      expect(within(top).getByText('In progress')).toBeInTheDocument()
      expect(eventRows()).toHaveLength(101)
      // What the reader was looking at has not moved.
      expect(anchor.getBoundingClientRect().top).toBe(anchorTop)
      // Only the newest page was asked for, not the hundred events already loaded.
      expect(requests.slice(before).filter((r) => r.startsWith('GET /machine-events'))).toEqual([
        'GET /machine-events?limit=50',
      ])

      await user.click(pill)
      expect(layout.scrollY()).toBe(0)
      expect(screen.queryByRole('button', { name: /new event/ })).not.toBeInTheDocument()
    } finally {
      layout.restore()
    }
  })

  it('shows an error with a retry when the feed cannot load, and a stale notice when polling fails', async () => {
    const { user, simulator, queryClient } = await renderApp('/events', {
      faults: [{ kind: 'error', status: 503, operations: ['listMachineEvents'] }],
    })
    expect(await screen.findByRole('alert')).toHaveTextContent(/something went wrong/i)
    simulator.clearFaults()
    await user.click(screen.getByRole('button', { name: 'Retry' }))
    // The router holds its pending view for a moment before the page comes back.
    expect(await screen.findByRole('heading', { name: 'Events', level: 1 }, { timeout: 3_000 })).toBeInTheDocument()
    expect(eventRows()).toHaveLength(50)

    simulator.setFaults([{ kind: 'error', status: 503, operations: ['listMachineEvents'] }])
    await queryClient.invalidateQueries({ queryKey: eventKeys.latest() })
    expect(await screen.findByText('Live updates paused.')).toBeInTheDocument()
    expect(screen.getByText(/may be stale/)).toBeInTheDocument()
    expect(eventRows()).toHaveLength(50)

    simulator.clearFaults()
    const notice = screen.getByText('Live updates paused.').closest('[role="status"]') as HTMLElement
    await user.click(within(notice).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(screen.queryByText('Live updates paused.')).not.toBeInTheDocument())
  })
})

/**
 * jsdom lays nothing out. This gives the page a plain geometry (the table 200 px down, a 40 px header, rows 40 px
 * high) and a scrollable window, so what a reader sees on screen can be measured.
 */
function simulateLayout() {
  const TABLE_TOP = 200
  const ROW = 40
  let scrollY = 0
  let frames = 0
  const original = HTMLElement.prototype.getBoundingClientRect
  const originalScrollTo = window.scrollTo
  const originalScrollBy = window.scrollBy
  const originalRaf = window.requestAnimationFrame
  const rect = (top: number, height: number) =>
    ({
      top,
      bottom: top + height,
      height,
      left: 0,
      right: 800,
      width: 800,
      x: 0,
      y: top,
      toJSON: () => ({}),
    }) as DOMRect

  HTMLElement.prototype.getBoundingClientRect = function getBoundingClientRect(this: HTMLElement) {
    if (this instanceof HTMLTableElement) {
      return rect(TABLE_TOP - scrollY, ROW * (this.rows.length + 1))
    }
    if (this instanceof HTMLTableRowElement && this.dataset.rowId !== undefined) {
      return rect(TABLE_TOP + ROW + (this.sectionRowIndex ?? 0) * ROW - scrollY, ROW)
    }
    return original.call(this)
  }
  const scroll = (to: number) => {
    scrollY = Math.max(0, to)
    window.dispatchEvent(new Event('scroll'))
  }
  window.scrollTo = ((options: ScrollToOptions | number, y?: number) =>
    scroll(typeof options === 'number' ? (y ?? 0) : (options.top ?? scrollY))) as typeof window.scrollTo
  window.scrollBy = ((options: ScrollToOptions | number, y?: number) =>
    scroll(scrollY + (typeof options === 'number' ? (y ?? 0) : (options.top ?? 0)))) as typeof window.scrollBy
  window.requestAnimationFrame = (callback) =>
    originalRaf.call(window, (time) => {
      frames++
      callback(time)
    })

  return {
    scrollTo: scroll,
    scrollY: () => scrollY,
    frames: () => frames,
    restore() {
      HTMLElement.prototype.getBoundingClientRect = original
      window.scrollTo = originalScrollTo
      window.scrollBy = originalScrollBy
      window.requestAnimationFrame = originalRaf
    },
  }
}
