import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { AuditAction } from '../../../../server/store/audit'
import { entryAt } from '../../../test/fleet-server'
import { renderApp } from '../../../test/render'
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

describe('who caused each event', () => {
  const actionOf = (type: string) =>
    (type === 'grant-access' ? 'grant' : type === 'revoke-access' ? 'revoke' : type) as AuditAction

  it('names the person or schedule the audit trail ties to an event, by its id or by time', async () => {
    let machineId = ''
    let machineName = ''
    const app = await renderApp('/audit', {
      prepare: async (fleet, { simulator, clock }) => {
        const machine = simulator.store.machines.find(
          (m) => m.state === 'ready' && m.id && simulator.store.eventsFor(m.id).length >= 2,
        )
        if (!machine?.id) throw new Error('The simulated fleet has no machine with two events.')
        machineId = machine.id
        machineName = machine.name ?? machine.id
        const [newest, older] = simulator.store.eventsFor(machine.id)
        if (!newest?.type || !older?.type) throw new Error('The events have no type.')
        const olderAt = Date.parse(new Date(older.dtCreated as string | number).toISOString())
        const secondsBefore = (at: number, seconds: number) => (clock.now() - at) / 1000 + seconds
        // Tied by the event id it recorded, however long before.
        await fleet.seedAudit(
          entryAt(clock, secondsBefore(olderAt, 3_600), { action: actionOf(newest.type), machineId }),
          {
            eventId: newest.id ?? null,
          },
        )
        // Tied by machine, action and time: 20 s before the event, and a teammate's older request that is not.
        await fleet.seedAudit(
          entryAt(clock, secondsBefore(olderAt, 120), {
            actor: { id: 'u-bob', email: 'bob@example.com', name: 'Bob Babbage', via: 'sso' },
            action: actionOf(older.type),
            machineId,
          }),
        )
        await fleet.seedAudit(
          entryAt(clock, secondsBefore(olderAt, 20), {
            actor: { id: 'sch-1', email: null, name: 'Nightly stop', via: 'schedule' },
            action: actionOf(older.type),
            machineId,
          }),
        )
      },
    })
    await screen.findByRole('heading', { name: 'Audit', level: 1 })
    await act(() => app.router.navigate({ to: '/machines/$machineId', params: { machineId } }))
    await screen.findByRole('heading', { name: machineName, level: 1 })
    const list = await events().findByRole('list', { name: 'Recent events' })
    await waitFor(() => expect(within(list).getAllByRole('listitem')[0]).toHaveTextContent('by Ada Lovelace'))
    const [first, second] = within(list).getAllByRole('listitem')
    expect(second).toHaveTextContent('by Nightly stop')
    expect(first).not.toHaveTextContent('Nightly stop')
    expect(list).not.toHaveTextContent('Bob Babbage')
    expect(app.fleet.requests).toContain(`GET /api/audit?machineId=${machineId}&limit=50`)
  })
})
