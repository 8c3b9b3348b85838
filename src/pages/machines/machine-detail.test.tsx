import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../../test/render'
import { openMachine, region } from './-detail/test-helpers'

const header = () => screen.getByRole('heading', { level: 1 }).closest('header') as HTMLElement
const stateStatus = () => screen.getByRole('status', { name: 'Machine state' })

describe('machine detail page', () => {
  it('shows the machine in its header, with copy buttons for the id and addresses', async () => {
    const { machine, machineId, simulator } = await openMachine(
      (m) => m.state === 'ready' && Boolean(m.publicIp) && Boolean(m.gpu),
    )
    const owner = simulator.store.accessors(machineId).find((a) => a.userId === machine.userId)
    expect(await within(header()).findByText(owner?.email as string)).toBeVisible()
    expect(within(header()).getByText(`(${machine.userId})`)).toBeVisible()
    expect(stateStatus()).toHaveTextContent('Ready')
    expect(within(header()).getByText(machine.machineType as string)).toBeVisible()
    expect(within(header()).getByText(machine.publicIp as string)).toBeVisible()
    expect(within(header()).getByText(machine.privateIp as string)).toBeVisible()
    expect(within(header()).getByText(machine.os as string)).toBeVisible()
    expect(screen.getByRole('button', { name: 'Copy machine ID' })).toBeVisible()
    expect(screen.getByRole('button', { name: 'Copy public IP' })).toBeVisible()
    expect(screen.getByRole('button', { name: 'Copy private IP' })).toBeVisible()
    for (const name of ['Lifecycle', 'Settings', 'Access', 'Desktop', 'Events', 'Delete machine']) {
      expect(region(name)).toBeVisible()
    }
  })

  it('shows a not-found page with a way back for an unknown machine', async () => {
    await renderApp('/machines/psunknown01')
    expect(await screen.findByRole('heading', { name: 'Not found', level: 1 })).toBeVisible()
    expect(screen.getByText(/This machine does not exist/)).toBeVisible()
    expect(screen.getByRole('link', { name: 'Back to machines' })).toHaveAttribute('href', '/machines')
  })

  it('keeps the last data with a stale notice when a refresh fails', async () => {
    const { machine, simulator, refresh } = await openMachine((m) => m.state === 'off')
    simulator.setFaults([{ kind: 'error', status: 503, operations: ['getMachine'] }])
    await refresh()
    expect(await screen.findByText(/showing the last known data/)).toBeVisible()
    expect(screen.getByRole('heading', { level: 1, name: machine.name })).toBeVisible()
    simulator.clearFaults()
    await refresh()
    expect(screen.queryByText(/showing the last known data/)).toBeNull()
  })
})
