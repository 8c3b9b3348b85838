import { screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { AVAILABILITY_CONCURRENCY } from '../../api/availability'
import { MACHINE_TYPES } from '../../lib/catalog'
import { mswServer } from '../../test/msw-server'
import { renderApp } from '../../test/render'

/** Cells the catalog offers: the ones the grid asks the API about. */
const OFFERED = MACHINE_TYPES.reduce((sum, type) => sum + type.regions.length, 0)
const isAvailabilityRequest = (r: string) => r.startsWith('GET /machine-availability')

afterEach(() => {
  mswServer.events.removeAllListeners()
})

function grid() {
  return screen.getByRole('table', { name: /availability of each machine type/i })
}

const rowHeaders = () => [...grid().querySelectorAll('th[scope="row"]')].map((th) => th.textContent)

async function settled() {
  await waitFor(() => expect(screen.getByText(/Last checked at/)).toBeInTheDocument(), { timeout: 4_000 })
}

describe('/availability under load and failure', () => {
  it('never has more than six requests in flight, yet runs them in parallel', async () => {
    let inFlight = 0
    let peak = 0
    let done = 0
    mswServer.events.on('request:start', ({ request }) => {
      if (!request.url.includes('/machine-availability')) return
      inFlight++
      peak = Math.max(peak, inFlight)
    })
    mswServer.events.on('response:mocked', ({ request }) => {
      if (!request.url.includes('/machine-availability')) return
      inFlight--
      done++
    })
    await renderApp('/availability', { faults: [{ kind: 'latency', ms: 20, operations: ['getMachineAvailability'] }] })
    await settled()
    expect(done).toBe(OFFERED)
    expect(peak).toBe(AVAILABILITY_CONCURRENCY)
  })

  it('shows "Unknown" with a retry for a failed cell, keeps the rest, and recovers on retry', async () => {
    const { user, simulator } = await renderApp('/availability', {
      faults: [{ kind: 'error', status: 503, rate: 0.1, operations: ['getMachineAvailability'] }],
    })
    await settled()
    const unknown = within(grid()).getAllByText('Unknown')
    expect(unknown.length).toBeGreaterThan(0)
    expect(unknown.length).toBeLessThan(OFFERED / 2)
    expect(within(grid()).getAllByText(/^(Available|Unavailable)$/).length).toBeGreaterThan(OFFERED / 2)

    const failed = unknown[0]!.closest('td')!
    const retry = within(failed).getByRole('button', { name: /^Retry .+ in .+/ })
    simulator.clearFaults()
    await user.click(retry)
    await waitFor(() => expect(failed).toHaveTextContent(/^(Available|Unavailable)/))
    expect(within(failed).queryByRole('button', { name: /^Retry/ })).not.toBeInTheDocument()
  })

  it('checks again on demand and can show only the types available somewhere', async () => {
    const { user, router, requests } = await renderApp('/availability')
    await settled()
    const before = requests.filter(isAvailabilityRequest).length
    await user.click(screen.getByRole('button', { name: 'Check again' }))
    await waitFor(() => expect(screen.getByRole('button', { name: 'Check again' })).toBeEnabled())
    expect(requests.filter(isAvailabilityRequest).length).toBe(before + OFFERED)

    const rowsBefore = rowHeaders().length
    await user.click(screen.getByRole('checkbox', { name: 'Only types available somewhere' }))
    await waitFor(() => expect(router.state.location.search).toEqual({ availableOnly: true }))
    const shown = within(grid())
      .getAllByRole('row')
      .filter((row) => row.querySelector('th[scope="row"]'))
    expect(shown.length).toBeLessThan(rowsBefore)
    for (const row of shown) expect(within(row).getAllByText(/^Available/).length).toBeGreaterThan(0)
  })
})
