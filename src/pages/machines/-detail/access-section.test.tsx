import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { openMachine, region } from './test-helpers'

const access = () => within(region('Access'))

async function openWithAccessors() {
  const app = await openMachine((m) => m.state === 'off')
  const accessors = app.simulator.store.accessors(app.machineId)
  const outsider = app.simulator.store.users.find((u) => !accessors.some((a) => a.userId === u.id))
  if (!outsider || !accessors[0]) throw new Error('the simulated team is too small for this test')
  await access().findByRole('table')
  return { ...app, accessors, owner: accessors[0], outsider }
}

describe('access', () => {
  it('lists the accessors with email, user id and role', async () => {
    const { accessors, owner } = await openWithAccessors()
    const rows = within(access().getByRole('table')).getAllByRole('row')
    expect(rows).toHaveLength(accessors.length + 1)
    const ownerRow = rows.find((row) => row.textContent?.includes(owner.email as string)) as HTMLElement
    expect(within(ownerRow).getByText(owner.userId as string)).toBeVisible()
    expect(within(ownerRow).getByText('Admin')).toBeVisible()
    expect(within(ownerRow).getByRole('button', { name: `Revoke access for ${owner.email}` })).toBeVisible()
  })

  it('grants access to a teammate, who is then listed', async () => {
    const { machineId, outsider, simulator, user } = await openWithAccessors()
    await user.type(access().getByRole('combobox', { name: 'User ID' }), outsider.id)
    await user.click(access().getByRole('button', { name: 'Grant access' }))
    expect(await access().findByText(`Granted access to ${outsider.email}.`)).toBeVisible()
    expect(await access().findByRole('cell', { name: outsider.email })).toBeVisible()
    expect(access().getByRole('combobox', { name: 'User ID' })).toHaveValue('')
    expect(simulator.store.accessors(machineId).map((a) => a.userId)).toContain(outsider.id)
  })

  it('suggests teammates seen as accessors of other machines, and takes a known email', async () => {
    const { accessors, simulator, user } = await openWithAccessors()
    const input = access().getByRole('combobox', { name: 'User ID' })
    const list = document.getElementById(input.getAttribute('list') as string) as HTMLDataListElement
    await waitFor(() => expect(list.options.length).toBeGreaterThan(0))
    const suggested = [...list.options].map((option) => option.value)
    const team = simulator.store.users.map((u) => u.id)
    for (const id of suggested) {
      expect(team).toContain(id)
      expect(accessors.map((a) => a.userId)).not.toContain(id)
    }
    const seen = simulator.store.users.find((u) => u.id === suggested[0])
    if (!seen) throw new Error('a suggestion is not a team member')
    await user.type(input, seen.email)
    await user.click(access().getByRole('button', { name: 'Grant access' }))
    expect(await access().findByText(`Granted access to ${seen.email}.`)).toBeVisible()
  })

  it('says at the field when the user already has access', async () => {
    const { owner, requests, user } = await openWithAccessors()
    const input = access().getByRole('combobox', { name: 'User ID' })
    await user.type(input, owner.userId as string)
    await user.click(access().getByRole('button', { name: 'Grant access' }))
    await waitFor(() =>
      expect(input).toHaveAccessibleDescription(
        new RegExp(`^User ${owner.userId} already has access to this machine\\.`),
      ),
    )
    expect(input).toHaveAttribute('aria-invalid', 'true')
    expect(requests.filter((r) => r.startsWith('POST'))).toHaveLength(1)
  })

  it('says at the field when the user is not on the team', async () => {
    const { user } = await openWithAccessors()
    const input = access().getByRole('combobox', { name: 'User ID' })
    await user.type(input, 'unobody00')
    await user.click(access().getByRole('button', { name: 'Grant access' }))
    await waitFor(() => expect(input).toHaveAccessibleDescription(/^User unobody00 is not a member of this team\./))
    await user.clear(input)
    await user.click(access().getByRole('button', { name: 'Grant access' }))
    expect(input).toHaveAccessibleDescription(/^Enter a user ID\./)
  })

  it('revokes access after confirmation', async () => {
    const { machineId, owner, simulator, user } = await openWithAccessors()
    await user.click(access().getByRole('button', { name: `Revoke access for ${owner.email}` }))
    const dialog = screen.getByRole('dialog', { name: `Revoke access for ${owner.email}?` })
    await user.click(within(dialog).getByRole('button', { name: 'Revoke access' }))
    expect(await access().findByText(`Revoked access for ${owner.email}.`)).toBeVisible()
    await waitFor(() => expect(access().queryByRole('cell', { name: owner.email })).toBeNull())
    expect(simulator.store.accessors(machineId).map((a) => a.userId)).not.toContain(owner.userId)
  })

  it('shows its own error with a retry while the rest of the page works', async () => {
    const { machine, simulator, user } = await openMachine((m) => m.state === 'ready', {
      faults: [{ kind: 'error', status: 500, operations: ['listMachineAccessors'] }],
    })
    const alert = await access().findByRole('alert')
    expect(alert).toHaveTextContent('Could not load who has access')
    expect(screen.getByRole('heading', { level: 1, name: machine.name })).toBeVisible()
    expect(within(region('Lifecycle')).getByRole('button', { name: 'Stop' })).toBeEnabled()
    simulator.clearFaults()
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await access().findByRole('table')).toBeVisible()
  })
})
