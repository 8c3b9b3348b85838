import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { openMachine, region } from './test-helpers'

const events = () => within(region('Events'))

describe('events', () => {
  it('lists the machine’s newest events first and links to its full feed', async () => {
    const { machineId, simulator, clock, refresh, user } = await openMachine((m) => m.state === 'ready')
    const list = await events().findByRole('list', { name: 'Recent events' })
    const expected = simulator.store.eventsFor(machineId)
    const items = within(list).getAllByRole('listitem')
    expect(items).toHaveLength(Math.min(expected.length, 10))
    expect(items[0]).toHaveTextContent(expected[0]?.state as string)
    const link = events().getByRole('link', { name: 'All events of this machine' })
    expect(link).toHaveAttribute('href', `/events?machineId=${machineId}`)

    // A new action shows up at the top.
    await user.click(within(region('Lifecycle')).getByRole('button', { name: 'Stop' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Stop machine' }))
    expect(await within(list).findByText('Stop')).toBeVisible()
    expect(within(list).getAllByRole('listitem')[0]).toHaveTextContent(/Stop\s*in progress/)

    // Once the machine is off, the event says done without waiting for a slow poll.
    clock.advance(20_000)
    await refresh()
    await waitFor(() => expect(within(list).getAllByRole('listitem')[0]).toHaveTextContent(/Stop\s*done/))
  })

  it('shows its own error with a retry', async () => {
    const { simulator, user } = await openMachine((m) => m.state === 'off', {
      faults: [{ kind: 'error', status: 500, operations: ['listMachineEvents'] }],
    })
    const alert = await events().findByRole('alert')
    expect(alert).toHaveTextContent('Could not load the events')
    simulator.clearFaults()
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await events().findByRole('list', { name: 'Recent events' })).toBeVisible()
  })
})
