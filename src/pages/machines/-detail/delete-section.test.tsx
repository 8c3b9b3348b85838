import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { openMachine, region } from './test-helpers'

describe('delete', () => {
  it('asks for the name, deletes, and goes back to the list with a toast', async () => {
    const { machine, machineId, simulator, history, requests, user } = await openMachine((m) => m.state === 'off')
    await user.click(within(region('Delete machine')).getByRole('button', { name: 'Delete machine' }))
    const dialog = screen.getByRole('dialog', { name: `Delete ${machine.name}?` })
    const confirm = within(dialog).getByRole('button', { name: 'Delete permanently' })
    expect(confirm).toBeDisabled()
    const input = within(dialog).getByRole('textbox', { name: `Type ${machine.name} to confirm` })
    await user.type(input, `${machine.name}x`)
    expect(confirm).toBeDisabled()
    await user.clear(input)
    await user.type(input, machine.name as string)
    expect(confirm).toBeEnabled()
    await user.click(confirm)
    await waitFor(() => expect(history.location.pathname).toBe('/machines'))
    expect(await screen.findByText(`Deleted ${machine.name}`)).toBeVisible()
    expect(simulator.store.machine(machineId)).toBeUndefined()
    expect(requests.filter((r) => r === `DELETE /machines/${machineId}`)).toHaveLength(1)
    // The page did not ask for the deleted machine again on its way out.
    expect(requests.filter((r) => r === `GET /machines/${machineId}`)).toHaveLength(1)
  })

  it('keeps the dialog open with the API message when the deletion fails', async () => {
    const { machine, machineId, simulator, user } = await openMachine((m) => m.state === 'off')
    simulator.setFaults([{ kind: 'error', status: 500, operations: ['deleteMachine'] }])
    await user.click(within(region('Delete machine')).getByRole('button', { name: 'Delete machine' }))
    const dialog = screen.getByRole('dialog')
    await user.type(within(dialog).getByRole('textbox'), machine.name as string)
    await user.click(within(dialog).getByRole('button', { name: 'Delete permanently' }))
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Could not delete: Something went wrong on our side. Try again.',
    )
    expect(simulator.store.machine(machineId)).toBeDefined()
    expect(screen.getByRole('heading', { level: 1, name: machine.name })).toBeVisible()
  })

  it('refuses to delete a machine mid-transition, and says why', async () => {
    await openMachine((m) => m.state === 'starting' || m.state === 'stopping')
    const button = within(region('Delete machine')).getByRole('button', { name: 'Delete machine' })
    expect(button).toBeDisabled()
    expect(button).toHaveAccessibleDescription(/delete it once it has settled/)
  })

  it('shows the not-found page for a machine deleted elsewhere', async () => {
    const { machineId, refresh, user } = await openMachine((m) => m.state === 'off')
    await fetch(`http://localhost/api/v1/machines/${machineId}`, { method: 'DELETE', headers: { 'X-CSRF': '1' } })
    await refresh()
    expect(await screen.findByRole('heading', { level: 1, name: 'Not found' })).toBeVisible()
    await user.click(screen.getByRole('link', { name: 'Back to machines' }))
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Not found' })).toBeNull())
  })
})
