import { screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
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

const filters = () => screen.getByRole('group', { name: 'Filter events' })

const rowIds = () => eventRows().map((row) => row.dataset.rowId)

describe('/events', () => {
  it('pages through the whole feed, newest first, until there is nothing older', async () => {
    const { user, simulator } = await renderApp('/events')
    expect(await screen.findByRole('heading', { name: 'Events', level: 1 })).toBeInTheDocument()
    const all = simulator.store.events
    expect(all.length).toBeGreaterThan(100)
    expect(eventRows()).toHaveLength(50)

    await user.click(screen.getByRole('button', { name: 'Load more events' }))
    await waitFor(() => expect(eventRows()).toHaveLength(100))
    await user.click(screen.getByRole('button', { name: 'Load more events' }))
    await waitFor(() => expect(eventRows()).toHaveLength(all.length))

    expect(rowIds()).toEqual(all.map((e) => e.id))
    expect(screen.getByText('No older events.')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Load more events' })).not.toBeInTheDocument()
  })

  it('names machines from the fleet, links them, and shows type, state and time', async () => {
    const { simulator } = await renderApp('/events')
    const newest = simulator.store.events[0]!
    const machine = simulator.store.machine(newest.machineId!)!
    const first = eventRows()[0]!
    const link = await within(first).findByRole('link', { name: machine.name })
    expect(link).toHaveAttribute('href', `/machines/${machine.id}`)
    expect(within(first).getByText(new RegExp(`^${newest.type}$`, 'i'))).toBeInTheDocument()
    expect(within(first).getByText(new RegExp(`^${newest.state}$`, 'i'))).toBeInTheDocument()
    const time = first.querySelector('time')
    expect(time).toHaveAttribute('dateTime', newest.dtCreated)
    expect(time).toHaveAttribute('title', expect.stringContaining('2026'))
    expect(time).toHaveTextContent(/ago/)
  })

  it('keeps the filters in the URL and applies them', async () => {
    const { user, router, simulator } = await renderApp('/events?type=stop')
    const typeSelect = await within(filters()).findByRole('combobox', { name: 'Event type' })
    expect(typeSelect).toHaveValue('stop')
    expect(eventRows().length).toBeGreaterThan(0)
    for (const row of eventRows()) expect(within(row).getByText('Stop')).toBeInTheDocument()

    await user.selectOptions(within(filters()).getByRole('combobox', { name: 'State' }), 'done')
    await waitFor(() => expect(router.state.location.search).toEqual({ type: 'stop', state: 'done' }))
    expect(router.state.location.href).toContain('state=done')
    for (const row of eventRows()) expect(within(row).getByText('Done')).toBeInTheDocument()

    await user.selectOptions(within(filters()).getByRole('combobox', { name: 'Time range' }), '1h')
    await waitFor(() => expect(router.state.location.search).toMatchObject({ range: '1h' }))
    const lastHour = simulator.store.events.filter(
      (e) => e.type === 'stop' && e.state === 'done' && Date.parse(e.dtCreated!) >= SIM_NOW.getTime() - 3_600_000,
    )
    if (lastHour.length === 0) {
      expect(screen.getByText('No events match these filters')).toBeInTheDocument()
    } else {
      expect(rowIds()).toEqual(lastHour.map((e) => e.id))
    }

    await user.click(within(filters()).getByRole('button', { name: 'Clear filters' }))
    await waitFor(() => expect(router.state.location.search).toEqual({}))
    expect(eventRows()).toHaveLength(50)
  })

  it('narrows to one machine from ?machineId=, asking the API for that machine only', async () => {
    const probe = await renderApp('/events')
    const machine = probe.simulator.store.machines[3]!
    probe.unmount()

    const { requests, simulator } = await renderApp(`/events?machineId=${machine.id}`)
    expect(await screen.findByText(machine.name!, { selector: 'p span' })).toBeInTheDocument()
    expect(requests).toContain(`GET /machine-events?limit=50&machineId=${machine.id}`)
    const expected = simulator.store.eventsFor(machine.id!)
    expect(rowIds()).toEqual(expected.map((e) => e.id))
    for (const row of eventRows()) {
      expect(within(row).getByRole('link', { name: machine.name })).toHaveAttribute('href', `/machines/${machine.id}`)
    }
    await waitFor(() => expect(within(filters()).getByRole('combobox', { name: 'Machine' })).toHaveValue(machine.id))
  })

  it('falls back to no filter when the URL holds nonsense', async () => {
    const { router } = await renderApp('/events?range=forever&type=')
    expect(await screen.findByRole('heading', { name: 'Events', level: 1 })).toBeInTheDocument()
    expect(within(filters()).getByRole('combobox', { name: 'Time range' })).toHaveValue('all')
    expect(router.state.location.search).toEqual({})
    expect(eventRows()).toHaveLength(50)
  })

  it('says when no event matches, with a way out', async () => {
    const { user } = await renderApp('/events?type=revoke-access')
    const empty = (await screen.findByText('No events match these filters')).parentElement!
    await user.click(within(empty).getByRole('button', { name: 'Clear filters' }))
    await waitFor(() => expect(eventRows()).toHaveLength(50))
  })
})
