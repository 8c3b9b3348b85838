import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { openMachine, region } from './test-helpers'

describe('grant one teammate to many machines', () => {
  it('grants in one go and reports granted, already had access and failed per machine', async () => {
    const { machine, simulator, user } = await openMachine((m) => m.state === 'off')
    const store = simulator.store
    // A teammate who already has access to some machine, and one machine they cannot reach yet.
    const teammate = store.users.find((u) =>
      store.machines.some((m) => m.id !== machine.id && store.accessors(m.id as string).some((a) => a.userId === u.id)),
    )
    if (!teammate) throw new Error('no teammate has access anywhere')
    const has = store.machines.find((m) => store.accessors(m.id as string).some((a) => a.userId === teammate.id))
    const lacks = store.machines.find(
      (m) => m.name !== has?.name && !store.accessors(m.id as string).some((a) => a.userId === teammate.id),
    )
    if (!has || !lacks) throw new Error('the fleet does not fit this test')

    await user.type(within(region('Access')).getByRole('combobox', { name: 'User ID' }), teammate.id)
    await user.click(within(region('Access')).getByRole('button', { name: 'Grant to several machines…' }))
    const dialog = screen.getByRole('dialog', { name: 'Grant access to several machines' })
    expect(within(dialog).getByRole('combobox', { name: 'User ID' })).toHaveValue(teammate.id)
    await within(dialog).findAllByRole('checkbox')

    const filter = within(dialog).getByRole('searchbox', { name: 'Filter machines' })
    await user.click(filter)
    await user.paste(has.name as string)
    await user.click(within(dialog).getByRole('checkbox', { name: has.name }))
    await user.clear(filter)
    await user.click(filter)
    await user.paste(lacks.name as string)
    await user.click(within(dialog).getByRole('checkbox', { name: lacks.name }))
    await user.clear(filter)
    expect(within(dialog).getByText(/Machines \(2 selected\)/)).toBeVisible()

    await user.click(within(dialog).getByRole('button', { name: 'Grant to 2 machines' }))
    expect(await within(dialog).findByText('1 granted, 1 already had access, 0 failed.')).toBeVisible()
    const results = within(within(dialog).getByRole('list', { name: 'Results' }))
    expect(results.getByText(has.name as string).closest('li')).toHaveTextContent('Already had access')
    expect(results.getByText(lacks.name as string).closest('li')).toHaveTextContent('Granted')
    expect(store.accessors(lacks.id as string).map((a) => a.userId)).toContain(teammate.id)
    await user.click(within(dialog).getByRole('button', { name: 'Done' }))
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('picks a member with no machine by name with the keyboard and grants them several machines', async () => {
    const { simulator, user } = await openMachine((m) => m.state === 'off')
    const store = simulator.store
    const newcomer = store.users.find(
      (u) => !store.machines.some((m) => store.accessors(m.id as string).some((a) => a.userId === u.id)),
    )
    const [first, second] = store.machines
    if (!newcomer || !first || !second) throw new Error('the simulated team does not fit this test')

    await user.click(within(region('Access')).getByRole('button', { name: 'Grant to several machines…' }))
    const dialog = screen.getByRole('dialog', { name: 'Grant access to several machines' })
    const input = within(dialog).getByRole('combobox', { name: 'User ID' })
    await within(dialog).findByText(/^Type a name, email or user ID to find one of \d+ team members\.$/)
    await user.type(input, `${newcomer.firstName} ${newcomer.lastName}`)
    const list = within(dialog).getByRole('listbox', { name: 'Team members' })
    expect(within(list).getAllByRole('option')).toHaveLength(1)
    await user.keyboard('{Escape}')
    expect(within(dialog).queryByRole('listbox')).toBeNull()
    expect(screen.getByRole('dialog', { name: 'Grant access to several machines' })).toBeVisible()
    await user.keyboard('{ArrowDown}{Enter}')
    expect(input).toHaveValue(newcomer.id)
    expect(input).toHaveAccessibleDescription(`${newcomer.firstName} ${newcomer.lastName} · ${newcomer.email}`)
    expect(within(dialog).queryByRole('alert')).toBeNull()

    await within(dialog).findAllByRole('checkbox')
    for (const machine of [first, second]) {
      await user.click(within(dialog).getByRole('checkbox', { name: machine.name }))
    }
    await user.click(within(dialog).getByRole('button', { name: 'Grant to 2 machines' }))
    expect(await within(dialog).findByText('2 granted, 0 already had access, 0 failed.')).toBeVisible()
    for (const machine of [first, second]) {
      expect(store.accessors(machine.id as string).map((a) => a.userId)).toContain(newcomer.id)
    }
  })

  it('lists the API message of each machine that failed', async () => {
    const { machine, user } = await openMachine((m) => m.state === 'off')
    await user.click(within(region('Access')).getByRole('button', { name: 'Grant to several machines…' }))
    const dialog = screen.getByRole('dialog')
    await user.type(within(dialog).getByRole('combobox', { name: 'User ID' }), 'unobody00')
    await user.click(within(dialog).getByRole('searchbox', { name: 'Filter machines' }))
    await user.paste(machine.name as string)
    await user.click(await within(dialog).findByRole('checkbox', { name: machine.name }))
    await user.click(within(dialog).getByRole('button', { name: 'Grant to 1 machine' }))
    expect(await within(dialog).findByText('0 granted, 0 already had access, 1 failed.')).toBeVisible()
    expect(within(dialog).getByText('User unobody00 is not a member of this team.')).toBeVisible()
  })

  it('asks for at least one machine', async () => {
    const { requests, user } = await openMachine((m) => m.state === 'off')
    await user.click(within(region('Access')).getByRole('button', { name: 'Grant to several machines…' }))
    const dialog = screen.getByRole('dialog')
    await user.type(within(dialog).getByRole('combobox', { name: 'User ID' }), 'u123')
    await user.click(within(dialog).getByRole('button', { name: 'Grant to 0 machines' }))
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Pick at least one machine.')
    expect(requests.filter((r) => r.startsWith('POST'))).toEqual([])
  })
})
