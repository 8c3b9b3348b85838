import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { client } from '../../../api/client'
import { openMachine, region } from './test-helpers'

const settings = () => within(region('Settings'))

describe('settings', () => {
  it('saves a new name and auto-shutdown, pending while it saves', async () => {
    const { machineId, simulator, requests, user } = await openMachine(
      (m) => m.state === 'ready' && m.autoShutdownEnabled === false,
    )
    simulator.setFaults([{ kind: 'latency', ms: 100, operations: ['updateMachine'] }])
    const name = settings().getByRole('textbox', { name: 'Name' })
    await user.clear(name)
    await user.type(name, 'renamed-box')
    const hours = settings().getByRole('textbox', { name: 'Auto-shutdown (hours)' })
    expect(hours).toHaveValue('0')
    await user.clear(hours)
    await user.type(hours, '8')
    await user.click(settings().getByRole('button', { name: 'Save settings' }))
    expect(settings().getByRole('button', { name: 'Saving…' })).toBeDisabled()
    expect(await screen.findByRole('heading', { level: 1, name: 'renamed-box' })).toBeVisible()
    expect(settings().getByText('Settings saved.')).toBeVisible()
    expect(simulator.store.machine(machineId)).toMatchObject({ name: 'renamed-box', autoShutdownEnabled: true })
    expect(requests.filter((r) => r.startsWith('PUT'))).toHaveLength(1)
    expect(screen.getByText('After 8 hours')).toBeVisible()
  })

  it('validates inline and sends nothing while a field is wrong', async () => {
    const { requests, user } = await openMachine((m) => m.state === 'off')
    const name = settings().getByRole('textbox', { name: 'Name' })
    await user.clear(name)
    const hours = settings().getByRole('textbox', { name: 'Auto-shutdown (hours)' })
    await user.clear(hours)
    await user.type(hours, '500')
    await user.click(settings().getByRole('button', { name: 'Save settings' }))
    expect(name).toHaveAccessibleDescription('Enter a name.')
    expect(name).toHaveAttribute('aria-invalid', 'true')
    expect(name).toHaveFocus()
    expect(hours).toHaveAccessibleDescription(/Enter whole hours from 0 \(off\) to 168\./)
    expect(requests.filter((r) => r.startsWith('PUT'))).toEqual([])
  })

  it('changes the machine type only while the machine is off, and says so otherwise', async () => {
    await openMachine((m) => m.state === 'ready')
    const type = settings().getByRole('combobox', { name: 'Machine type' })
    expect(type).toBeDisabled()
    expect(type).toHaveAccessibleDescription(/Change the machine type while the machine is off\. It is ready now\./)
  })

  it('shows the service refusal (409) at the machine type field', async () => {
    const { machine, machineId, simulator, user } = await openMachine((m) => m.state === 'off' && m.region === 'ny2')
    const type = settings().getByRole('combobox', { name: 'Machine type' })
    expect(type).toBeEnabled()
    const other = machine.machineType === 'C5' ? 'C6' : 'C5'
    await user.selectOptions(type, other)
    // Meanwhile someone starts the machine; the page has not polled yet.
    await client.PATCH('/machines/{id}/start', { params: { path: { id: machineId } } })
    await user.click(settings().getByRole('button', { name: 'Save settings' }))
    await waitFor(() => expect(type).toHaveAccessibleDescription(/^Change the machine type while the machine is off\./))
    expect(type).toHaveAttribute('aria-invalid', 'true')
    // The page looks at the machine again and now knows why.
    await waitFor(() => expect(type).toBeDisabled())
    expect(type).toHaveAccessibleDescription(/It is starting now\./)
    expect(simulator.store.machine(machineId)?.machineType).toBe(machine.machineType)
  })

  it('changes the machine type of an off machine', async () => {
    const { machine, machineId, simulator, user } = await openMachine((m) => m.state === 'off' && m.region === 'ny2')
    const other = machine.machineType === 'C5' ? 'C6' : 'C5'
    await user.selectOptions(settings().getByRole('combobox', { name: 'Machine type' }), other)
    await user.click(settings().getByRole('button', { name: 'Save settings' }))
    expect(await settings().findByText('Settings saved.')).toBeVisible()
    expect(simulator.store.machine(machineId)?.machineType).toBe(other)
  })

  it('shows a refusal that names no field at the form', async () => {
    const { simulator, user } = await openMachine((m) => m.state === 'off')
    simulator.setFaults([{ kind: 'error', status: 400, operations: ['updateMachine'] }])
    await user.type(settings().getByRole('textbox', { name: 'Name' }), '-x')
    await user.click(settings().getByRole('button', { name: 'Save settings' }))
    expect(await settings().findByRole('alert')).toHaveTextContent('Could not save: The request was refused.')
  })

  it('says when there is nothing to save', async () => {
    const { requests, user } = await openMachine((m) => m.state === 'off')
    await user.click(settings().getByRole('button', { name: 'Save settings' }))
    expect(settings().getByText('Nothing changed.')).toBeVisible()
    expect(requests.filter((r) => r.startsWith('PUT'))).toEqual([])
  })
})
