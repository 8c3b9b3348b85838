/**
 * A double click never sends a mutation twice, and a mutation is never sent again on its own. Each write is made
 * slow (simulator latency), so the second click lands while the first request is still on its way.
 */
import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fill as paste } from './-components/machines-test-helpers'
import { openMachine, region } from './-detail/test-helpers'

const slow = (...operations: string[]) => ({ faults: [{ kind: 'latency' as const, ms: 300, operations }] })
/** Room for the slowed request and the refresh after it, on a busy machine. */
const LATER = { timeout: 3_000 }
const count = (requests: readonly string[], request: string) => requests.filter((r) => r === request).length

describe('a double click on the machine page sends one request', () => {
  it('start', async () => {
    const app = await openMachine((m) => m.state === 'off', slow('startMachine'))
    await app.user.dblClick(within(region('Lifecycle')).getByRole('button', { name: 'Start' }))
    await waitFor(() => expect(app.simulator.store.machine(app.machineId)?.state).toBe('starting'), LATER)
    expect(count(app.requests, `PATCH /machines/${app.machineId}/start`)).toBe(1)
  })

  it('stop, confirmed', async () => {
    const app = await openMachine((m) => m.state === 'ready', slow('stopMachine'))
    await app.user.click(within(region('Lifecycle')).getByRole('button', { name: 'Stop' }))
    const dialog = await screen.findByRole('dialog', { name: `Stop ${app.machine.name}?` })
    await app.user.dblClick(within(dialog).getByRole('button', { name: 'Stop machine' }))
    await waitFor(() => expect(app.simulator.store.machine(app.machineId)?.state).toBe('stopping'), LATER)
    expect(count(app.requests, `PATCH /machines/${app.machineId}/stop`)).toBe(1)
  })

  it('save settings', async () => {
    const app = await openMachine((m) => m.state === 'off', slow('updateMachine'))
    const settings = within(region('Settings'))
    await paste(app, settings.getByRole('textbox', { name: 'Name' }), 'renamed-once')
    await app.user.dblClick(settings.getByRole('button', { name: 'Save settings' }))
    expect(await settings.findByText('Settings saved.', {}, LATER)).toBeInTheDocument()
    expect(count(app.requests, `PUT /machines/${app.machineId}`)).toBe(1)
  })

  it('grant and revoke access', async () => {
    const app = await openMachine((m) => m.state === 'off', slow('grantMachineAccess', 'revokeMachineAccess'))
    const access = within(region('Access'))
    await access.findByRole('table')
    const accessors = app.simulator.store.accessors(app.machineId)
    const outsider = app.simulator.store.users.find((u) => !accessors.some((a) => a.userId === u.id))
    if (!outsider) throw new Error('the simulated team is too small for this test')

    await paste(app, access.getByRole('combobox', { name: 'User ID' }), outsider.id)
    await app.user.dblClick(access.getByRole('button', { name: 'Grant access' }))
    expect(await access.findByText(`Granted access to ${outsider.email}.`, {}, LATER)).toBeInTheDocument()
    expect(count(app.requests, `POST /machines/${app.machineId}/accessors`)).toBe(1)

    await app.user.click(await access.findByRole('button', { name: `Revoke access for ${outsider.email}` }))
    const dialog = await screen.findByRole('dialog', { name: `Revoke access for ${outsider.email}?` })
    await app.user.dblClick(within(dialog).getByRole('button', { name: 'Revoke access' }))
    expect(await access.findByText(`Revoked access for ${outsider.email}.`, {}, LATER)).toBeInTheDocument()
    expect(count(app.requests, `DELETE /machines/${app.machineId}/accessors/${outsider.id}`)).toBe(1)
  })

  it('delete, confirmed by name', async () => {
    const app = await openMachine((m) => m.state === 'off', slow('deleteMachine'))
    await app.user.click(within(region('Delete machine')).getByRole('button', { name: 'Delete machine' }))
    const dialog = await screen.findByRole('dialog', { name: `Delete ${app.machine.name}?` })
    await paste(app, within(dialog).getByRole('textbox'), app.machine.name ?? '')
    await app.user.dblClick(within(dialog).getByRole('button', { name: 'Delete permanently' }))
    await screen.findByRole('heading', { name: 'Machines', level: 1 }, LATER)
    expect(count(app.requests, `DELETE /machines/${app.machineId}`)).toBe(1)
  })
})

describe('a refused write is not sent again on its own', () => {
  it('a start the API fails stays failed until the person acts', async () => {
    const app = await openMachine((m) => m.state === 'off', {
      faults: [{ kind: 'error', status: 503, operations: ['startMachine'] }],
    })
    await app.user.click(within(region('Lifecycle')).getByRole('button', { name: 'Start' }))
    expect(await within(region('Lifecycle')).findByRole('alert')).toHaveTextContent(
      `Could not start ${app.machine.name}`,
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(count(app.requests, `PATCH /machines/${app.machineId}/start`)).toBe(1)
  })
})
