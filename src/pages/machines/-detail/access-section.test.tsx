import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Simulator } from '../../../../server/simulator/simulator'
import { openMachine, region } from './test-helpers'

const access = () => within(region('Access'))

const hasAccess = (store: Simulator['store'], machineId: string, userId: string) =>
  store.accessors(machineId).some((a) => a.userId === userId)

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

  it('offers the team’s members by name and email, filtered as you type, and grants to one with no machine', async () => {
    const { machineId, simulator, user } = await openWithAccessors()
    const store = simulator.store
    const newcomer = store.users.find((u) => !store.machines.some((m) => hasAccess(store, m.id as string, u.id)))
    if (!newcomer) throw new Error('every simulated team member has a machine')
    await access().findByText(/^Type a name, email or user ID to find one of \d+ team members\.$/)

    const input = access().getByRole('combobox', { name: 'User ID' })
    await user.type(input, newcomer.lastName.slice(0, 4).toLowerCase())
    const list = access().getByRole('listbox', { name: 'Team members' })
    expect(input).toHaveAttribute('aria-expanded', 'true')
    const options = within(list).getAllByRole('option')
    for (const option of options)
      expect(option.textContent?.toLowerCase()).toContain(newcomer.lastName.slice(0, 4).toLowerCase())
    const option = within(list).getByRole('option', { name: new RegExp(`${newcomer.firstName} ${newcomer.lastName}`) })
    expect(option).toHaveTextContent(newcomer.email)
    await user.click(option)

    expect(input).toHaveValue(newcomer.id)
    expect(input).toHaveAttribute('aria-expanded', 'false')
    expect(input).toHaveAccessibleDescription(`${newcomer.firstName} ${newcomer.lastName} · ${newcomer.email}`)
    await user.click(access().getByRole('button', { name: 'Grant access' }))
    expect(await access().findByText(`Granted access to ${newcomer.email}.`)).toBeVisible()
    expect(await access().findByRole('cell', { name: newcomer.email })).toBeVisible()
    expect(store.accessors(machineId).map((a) => a.userId)).toContain(newcomer.id)
  })

  it('moves through the members with the arrow keys, picks with Enter and closes with Escape', async () => {
    const { accessors, simulator, user } = await openWithAccessors()
    await access().findByText(/^Type a name, email or user ID to find one of \d+ team members\.$/)
    const input = access().getByRole('combobox', { name: 'User ID' })
    await user.click(input)
    const list = access().getByRole('listbox', { name: 'Team members' })
    const offered = within(list).getAllByRole('option')
    // Everyone on the team except the people who already have access.
    expect(offered).toHaveLength(simulator.store.users.length - accessors.length)
    for (const accessor of accessors) {
      expect(within(list).queryByRole('option', { name: new RegExp(accessor.userId as string) })).toBeNull()
    }

    await user.keyboard('{ArrowDown}{ArrowDown}')
    expect(input).toHaveAttribute('aria-activedescendant', offered[1]?.id)
    expect(offered[1]).toHaveAttribute('aria-selected', 'true')
    await user.keyboard('{ArrowUp}{ArrowUp}')
    expect(input).toHaveAttribute('aria-activedescendant', offered.at(-1)?.id)
    await user.keyboard('{ArrowDown}{Enter}')
    const first = simulator.store.users.find((u) => offered[0]?.textContent?.includes(u.id))
    expect(input).toHaveValue(first?.id)
    expect(access().queryByRole('listbox')).toBeNull()
    expect(access().queryByText(/^Granted access/)).toBeNull()

    await user.clear(input)
    await user.type(input, first?.email.slice(0, 6) as string)
    expect(access().getByRole('listbox', { name: 'Team members' })).toBeVisible()
    await user.keyboard('{Escape}')
    expect(access().queryByRole('listbox')).toBeNull()
    expect(input).toHaveAttribute('aria-expanded', 'false')
    expect(input).toHaveValue(first?.email.slice(0, 6))
  })

  it('takes the email of a team member, and finds them by user id too', async () => {
    const { simulator, user } = await openWithAccessors()
    const store = simulator.store
    const member = store.users.find((u) => !store.machines.some((m) => hasAccess(store, m.id as string, u.id)))
    if (!member) throw new Error('every simulated team member has a machine')
    await access().findByText(/^Type a name, email or user ID to find one of \d+ team members\.$/)
    const input = access().getByRole('combobox', { name: 'User ID' })
    await user.type(input, member.id.slice(0, 5))
    expect(within(access().getByRole('listbox')).getByRole('option', { name: new RegExp(member.email) })).toBeVisible()
    await user.clear(input)
    await user.type(input, member.email.toUpperCase())
    await user.click(access().getByRole('button', { name: 'Grant access' }))
    expect(await access().findByText(`Granted access to ${member.email}.`)).toBeVisible()
  })

  it('still grants by a typed user id when the team’s members cannot be read, and retries the read', async () => {
    const { machineId, simulator, user } = await openMachine((m) => m.state === 'off', {
      faults: [{ kind: 'error', status: 503, operations: ['listTeamUsers'] }],
    })
    await access().findByRole('table')
    const outsider = simulator.store.users.find((u) => !hasAccess(simulator.store, machineId, u.id))
    if (!outsider) throw new Error('the simulated team is too small for this test')
    const input = access().getByRole('combobox', { name: 'User ID' })
    await waitFor(() => expect(input).toHaveAccessibleDescription(/^Could not load the team’s members\./))
    expect(input).toHaveAccessibleDescription(/You can still enter a user ID\.$/)
    await user.click(input)
    expect(access().queryByRole('listbox')).toBeNull()
    await user.type(input, outsider.id)
    await user.click(access().getByRole('button', { name: 'Grant access' }))
    expect(await access().findByText(`Granted access to ${outsider.email}.`)).toBeVisible()
    expect(simulator.store.accessors(machineId).map((a) => a.userId)).toContain(outsider.id)

    simulator.clearFaults()
    await user.click(access().getByRole('button', { name: 'Retry loading members' }))
    await waitFor(() => expect(input).toHaveAccessibleDescription(/^Type a name, email or user ID to find one of/))
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
