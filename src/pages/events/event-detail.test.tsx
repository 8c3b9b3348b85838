import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../../test/render'

describe('/events/$eventId', () => {
  const firstRow = () =>
    screen.getByRole('table', { name: /events, newest first/i }).querySelector('tbody tr') as HTMLElement

  it('opens from the feed and shows every field, linked to its machine', async () => {
    const { user, router, simulator } = await renderApp('/events')
    const newest = simulator.store.events[0]!
    const machine = simulator.store.machine(newest.machineId!)!
    await within(firstRow()).findByRole('link', { name: machine.name })
    await user.click(within(firstRow()).getByRole('link', { name: /^details/i }))

    await waitFor(() => expect(router.state.location.pathname).toBe(`/events/${newest.id}`))
    const typeLabel = newest.type!.charAt(0).toUpperCase() + newest.type!.slice(1)
    expect(await screen.findByRole('heading', { name: `${typeLabel} event`, level: 1 })).toBeInTheDocument()
    const fields = screen.getByText('Event ID').closest('dl')!
    expect(within(fields).getByText(newest.id!)).toBeInTheDocument()
    expect(within(fields).getByRole('link', { name: machine.name })).toHaveAttribute('href', `/machines/${machine.id}`)
    expect(within(fields).getByText(`(${newest.type})`)).toBeInTheDocument()
    expect(within(fields).getAllByText(new RegExp(`^${newest.state}$`, 'i')).length).toBeGreaterThan(0)
    expect(within(fields).getByText(/Nov 28, 2026/)).toBeInTheDocument()
    expect(screen.getByRole('link', { name: `All events of ${machine.name}` })).toHaveAttribute(
      'href',
      `/events?machineId=${machine.id}`,
    )
  })

  it('says the event does not exist for an unknown id', async () => {
    await renderApp('/events/evnothere000')
    expect(await screen.findByRole('heading', { name: 'Not found' })).toBeInTheDocument()
    expect(screen.getByText(/this event does not exist/i)).toBeInTheDocument()
  })
})
