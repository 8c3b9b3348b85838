import { screen, waitFor, within } from '@testing-library/react'
import { beforeAll, describe, expect, it } from 'vitest'
import { machineKeys } from '../../../api/machines'
import {
  bodyRows,
  fill,
  loadMachinesPageCode,
  openMachinesPage as openPage,
  rowNames,
  rowOf,
  stateIn,
} from './machines-test-helpers'

describe('bulk actions on the machines page', () => {
  beforeAll(loadMachinesPageCode)

  it('stops machines in bulk, skipping those the action does not apply to', async () => {
    const app = await openPage('/machines')
    const all = app.simulator.store.machines
    const ready = all.find((m) => m.state === 'ready')
    const off = all.find((m) => m.state === 'off')
    if (!ready?.name || !off?.name) throw new Error('the fleet needs a ready and an off machine')

    await app.user.click(screen.getByRole('checkbox', { name: `Select ${ready.name}` }))
    await app.user.click(screen.getByRole('checkbox', { name: `Select ${off.name}` }))
    expect(screen.getByText(/2 selected/)).toBeInTheDocument()
    await app.user.click(screen.getByRole('button', { name: 'Stop' }))

    const dialog = await screen.findByRole('dialog', { name: 'Stop 1 machine?' })
    const willStop = within(dialog).getByRole('region', { name: 'Will stop' })
    expect(within(willStop).getByText(ready.name)).toBeInTheDocument()
    const skipped = within(dialog).getByRole('region', { name: 'Skipped' })
    expect(within(skipped).getByText(off.name)).toBeInTheDocument()
    expect(within(skipped).getByText('The machine is already off.')).toBeInTheDocument()

    await app.user.click(within(dialog).getByRole('button', { name: 'Stop 1 machine' }))
    expect(await within(dialog).findByText('Accepted')).toBeInTheDocument()
    expect(app.requests).toContain(`PATCH /machines/${ready.id}/stop`)
    expect(app.requests).not.toContain(`PATCH /machines/${off.id}/stop`)
    await app.user.click(within(dialog).getByRole('button', { name: 'Close' }))

    expect(stateIn(rowOf(ready.name))).toBe('Stopping')
    app.clock.advance(25_000)
    await app.queryClient.invalidateQueries({ queryKey: machineKeys.fleet() })
    await waitFor(() => expect(stateIn(rowOf(ready.name ?? ''))).toBe('Off'))
  })

  it('lists the API message of a machine that fails in a bulk action', async () => {
    const app = await openPage('/machines')
    const ready = app.simulator.store.machines.filter((m) => m.state === 'ready').slice(0, 2)
    for (const machine of ready) await app.user.click(screen.getByRole('checkbox', { name: `Select ${machine.name}` }))
    app.simulator.setFaults([{ kind: 'error', status: 500, operations: ['restartMachine'], rate: 1 }])
    await app.user.click(screen.getByRole('button', { name: 'Restart' }))
    const dialog = await screen.findByRole('dialog', { name: 'Restart 2 machines?' })
    await app.user.click(within(dialog).getByRole('button', { name: 'Restart 2 machines' }))
    const failed = await within(dialog).findByRole('alert', { name: 'Failed' })
    expect(within(failed).getAllByText(/Something went wrong on our side/)).toHaveLength(2)
  })

  it('selects a range with shift-click and everything shown with the header box', async () => {
    const app = await openPage('/machines')
    const names = rowNames()
    await app.user.click(screen.getByRole('checkbox', { name: `Select ${names[1]}` }))
    await app.user.keyboard('{Shift>}')
    await app.user.click(screen.getByRole('checkbox', { name: `Select ${names[4]}` }))
    await app.user.keyboard('{/Shift}')
    expect(screen.getByText(/· 4 selected/)).toBeInTheDocument()
    for (const name of names.slice(1, 5)) expect(screen.getByRole('checkbox', { name: `Select ${name}` })).toBeChecked()

    await fill(app, screen.getByRole('searchbox', { name: 'Filter machines' }), 'train')
    await waitFor(() => expect(rowNames().length).toBeLessThan(names.length))
    await app.user.click(screen.getByRole('checkbox', { name: /Select all \d+ machines shown/ }))
    for (const row of bodyRows()) expect(within(row).getByRole('checkbox')).toBeChecked()
  })
})
