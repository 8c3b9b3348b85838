import { act, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { machineKeys } from '../api/machines'
import { formatClock } from '../lib/format'
import { loadMachinesPageCode } from '../pages/machines/-components/machines-test-helpers'
import { renderApp } from '../test/render'

const banner = () => screen.getByRole('status', { name: 'Connection' })
const listRequests = (requests: readonly string[]) => requests.filter((r) => r.startsWith('GET /machines?')).length

async function openMachines() {
  const app = await renderApp('/machines', { machines: 12 })
  await screen.findByRole('heading', { name: 'Machines', level: 1 })
  const first = app.simulator.store.machines[0]?.name ?? ''
  expect(screen.getByRole('link', { name: first })).toBeInTheDocument()
  /** The next poll, now. */
  const poll = () => act(() => app.queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }))
  return { ...app, first, poll }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('connection banner', () => {
  beforeAll(loadMachinesPageCode)

  it('says since when the data dates while Paperspace cannot be reached, keeps the data, and leaves on recovery', async () => {
    const app = await openMachines()
    expect(banner()).toBeEmptyDOMElement()
    const fetchedAt = app.queryClient.getQueryState(machineKeys.fleet())?.dataUpdatedAt ?? 0

    app.simulator.setFaults([{ kind: 'error', status: 502, operations: ['listMachines'] }])
    await app.poll()
    await waitFor(() =>
      expect(banner()).toHaveTextContent(`Can't reach Paperspace — showing data from ${formatClock(fetchedAt)}.`),
    )
    expect(screen.getByRole('link', { name: app.first })).toBeInTheDocument()

    // A gateway timeout is the same story; the banner still dates the data from the last success.
    app.simulator.setFaults([{ kind: 'error', status: 504, operations: ['listMachines'] }])
    await app.poll()
    expect(banner()).toHaveTextContent(`showing data from ${formatClock(fetchedAt)}`)

    app.simulator.clearFaults()
    await app.poll()
    await waitFor(() => expect(banner()).toBeEmptyDOMElement())
    expect(screen.getByRole('link', { name: app.first })).toBeInTheDocument()
  })

  it('does not blame the connection for other errors', async () => {
    const app = await openMachines()
    app.simulator.setFaults([{ kind: 'error', status: 500, operations: ['listMachines'] }])
    await app.poll()
    expect(await screen.findByText(/Stale since/)).toBeInTheDocument()
    expect(banner()).toBeEmptyDOMElement()
  })

  it('honours Retry-After: counts down, sends no list request until it passes, keeps the data', async () => {
    const app = await openMachines()
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'Date'] })
    // Not a multiple of the list's 30 s poll; longer than the few seconds a single read waits out by itself (read-retry.ts), so the page hears of it.
    app.simulator.setFaults([{ kind: 'rate-limit', retryAfter: 20, operations: ['listMachines'] }])
    await app.poll()
    await waitFor(() => expect(banner()).toHaveTextContent(/Rate limited by Paperspace, retrying in (20|19) s\./))
    expect(screen.getByRole('link', { name: app.first })).toBeInTheDocument()
    const sent = listRequests(app.requests)

    // Polls (every 2 s while a machine is in transition), refreshes and focus refetches all wait meanwhile.
    app.simulator.clearFaults()
    const held = app.queryClient.invalidateQueries({ queryKey: machineKeys.fleet() })
    await act(() => vi.advanceTimersByTimeAsync(10_000))
    expect(banner()).toHaveTextContent(/retrying in (10|9) s\./)
    expect(listRequests(app.requests)).toBe(sent)
    expect(screen.getByRole('link', { name: app.first })).toBeInTheDocument()

    await act(() => vi.advanceTimersByTimeAsync(10_000))
    await act(() => held)
    await waitFor(() => expect(listRequests(app.requests)).toBeGreaterThan(sent))
    await waitFor(() => expect(banner()).toBeEmptyDOMElement())
    expect(screen.queryByText(/Stale since/)).not.toBeInTheDocument()
  })
})
