import { screen, waitFor, within } from '@testing-library/react'
import { beforeAll, describe, expect, it } from 'vitest'
import { machineKeys } from '../../api/machines'
import { renderApp } from '../../test/render'
import {
  bodyRows,
  fill,
  loadMachinesPageCode,
  openMachinesPage as openPage,
  rowNames,
  rowOf,
  searchOf as search,
  stateIn,
  machinesTable as table,
} from './-components/machines-test-helpers'

const naturally = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

describe('machines page', () => {
  beforeAll(loadMachinesPageCode)

  it('loads every page of a large fleet, following the cursors', async () => {
    const app = await openPage('/machines', { machines: 300 })
    const lists = app.requests.filter((r) => r.startsWith('GET /machines?'))
    expect(lists).toHaveLength(3)
    expect(lists[0]).toBe('GET /machines?limit=120')
    expect(lists[1]).toMatch(/^GET \/machines\?limit=120&after=/)
    expect(lists[2]).toMatch(/^GET \/machines\?limit=120&after=/)

    expect(screen.getByText('300 machines')).toBeInTheDocument()
    // A long list is virtualised: the table still tells assistive technology how many rows there are.
    expect(table()).toHaveAttribute('aria-rowcount', '301')
    expect(bodyRows().length).toBeLessThan(300)
    expect(bodyRows()[0]).toHaveAttribute('aria-rowindex', '2')

    // The oldest machine comes on the last page (the API lists newest first); it is there.
    const oldest = [...app.simulator.store.machines].sort((a, b) =>
      (a.dtCreated ?? '').localeCompare(b.dtCreated ?? ''),
    )[0]
    if (!oldest?.name || !oldest.id) throw new Error('no machine')
    await fill(app, screen.getByRole('searchbox', { name: 'Filter machines' }), oldest.id)
    await waitFor(() => expect(rowNames()).toEqual([oldest.name]))
  })

  it('filters by text over name, id and IP', async () => {
    const app = await openPage('/machines')
    const all = app.simulator.store.machines
    expect(bodyRows()).toHaveLength(all.length)
    const box = screen.getByRole('searchbox', { name: 'Filter machines' })

    await fill(app, box, 'train')
    const training = all.filter((m) => m.name?.includes('train'))
    expect(training.length).toBeGreaterThan(0)
    await waitFor(() => expect(rowNames().sort()).toEqual(training.map((m) => m.name).sort()))
    // The URL follows once typing pauses.
    await waitFor(() => expect(search(app).q).toBe('train'))
    expect(screen.getByText(`Showing ${training.length} of ${all.length} machines`)).toBeInTheDocument()

    const withIp = all.find((m) => m.publicIp)
    if (!withIp?.publicIp) throw new Error('no machine with a public IP')
    await fill(app, box, withIp.publicIp)
    await waitFor(() => expect(rowNames()).toEqual([withIp.name]))
  })

  it('filters by state, region and machine type, and clears them', async () => {
    const app = await openPage('/machines')
    const all = app.simulator.store.machines

    await app.user.selectOptions(screen.getByRole('combobox', { name: 'State' }), 'off')
    const off = all.filter((m) => m.state === 'off')
    await waitFor(() => expect(bodyRows()).toHaveLength(off.length))
    for (const row of bodyRows()) expect(stateIn(row)).toBe('Off')
    expect(search(app).state).toBe('off')

    await app.user.selectOptions(screen.getByRole('combobox', { name: 'Region' }), 'ny2')
    const offNy2 = off.filter((m) => m.region === 'ny2')
    await waitFor(() => expect(rowNames().sort()).toEqual(offNy2.map((m) => m.name).sort()))

    await app.user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0] as HTMLElement)
    await waitFor(() => expect(bodyRows()).toHaveLength(all.length))

    const type = all[0]?.machineType ?? ''
    await app.user.selectOptions(screen.getByRole('combobox', { name: 'Machine type' }), type)
    await waitFor(() =>
      expect(rowNames().sort()).toEqual(
        all
          .filter((m) => m.machineType === type)
          .map((m) => m.name)
          .sort(),
      ),
    )
    expect(search(app).type).toBe(type)

    // A filter that matches nothing says so and offers to clear it.
    await fill(app, screen.getByRole('searchbox', { name: 'Filter machines' }), 'no-such-machine')
    expect(await screen.findByText('No machines match these filters')).toBeInTheDocument()
    const clear = screen.getAllByRole('button', { name: 'Clear filters' })
    await app.user.click(clear[clear.length - 1] as HTMLElement)
    await waitFor(() => expect(bodyRows()).toHaveLength(all.length))
    expect(screen.getByRole('searchbox', { name: 'Filter machines' })).toHaveValue('')
  })

  it('filters by state from the fleet summary', async () => {
    const app = await openPage('/machines')
    const ready = app.simulator.store.machines.filter((m) => m.state === 'ready')
    const summary = screen.getByRole('region', { name: 'Fleet summary' })
    const button = within(summary).getByRole('button', { name: `Ready ${ready.length}` })
    await app.user.click(button)
    await waitFor(() => expect(bodyRows()).toHaveLength(ready.length))
    expect(button).toHaveAttribute('aria-pressed', 'true')
    await app.user.click(button)
    await waitFor(() => expect(bodyRows()).toHaveLength(app.simulator.store.machines.length))
  })

  it('sorts by a column header, ascending then descending', async () => {
    const app = await openPage('/machines')
    const names = app.simulator.store.machines.map((m) => m.name ?? '')
    const ascending = [...names].sort(naturally.compare)
    expect(rowNames()).toEqual(ascending)
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending')

    await app.user.click(screen.getByRole('button', { name: 'Name' }))
    await waitFor(() => expect(rowNames()).toEqual([...ascending].reverse()))
    expect(search(app).dir).toBe('desc')
    // The default sort column stays out of the URL.
    expect(app.router.state.location.href).toBe('/machines?dir=desc')

    await app.user.click(screen.getByRole('button', { name: 'CPUs' }))
    await waitFor(() =>
      expect(screen.getByRole('columnheader', { name: /CPUs/ })).toHaveAttribute('aria-sort', 'ascending'),
    )
    const cpus = bodyRows().map((row) => Number(row.querySelectorAll('td')[6]?.textContent))
    expect(cpus).toEqual([...cpus].sort((a, b) => a - b))
    expect(new Set(cpus).size).toBeGreaterThan(1)
  })

  it('restores the view from the URL, and the back button undoes a change', async () => {
    const app = await openPage('/machines?q=train&state=ready&sort=cpus&dir=desc')
    expect(screen.getByRole('searchbox', { name: 'Filter machines' })).toHaveValue('train')
    expect(screen.getByRole('combobox', { name: 'State' })).toHaveValue('ready')
    expect(screen.getByRole('columnheader', { name: /CPUs/ })).toHaveAttribute('aria-sort', 'descending')
    const expected = app.simulator.store.machines.filter((m) => m.state === 'ready' && m.name?.includes('train'))
    expect(rowNames().sort()).toEqual(expected.map((m) => m.name).sort())

    await app.user.selectOptions(screen.getByRole('combobox', { name: 'Region' }), 'ny2')
    await waitFor(() => expect(search(app).region).toBe('ny2'))
    expect(app.router.state.location.href).toContain('region=ny2')

    app.history.back()
    await waitFor(() => expect(search(app).region).toBeUndefined())
    expect(screen.getByRole('combobox', { name: 'Region' })).toHaveValue('')
    expect(search(app)).toMatchObject({ q: 'train', state: 'ready', sort: 'cpus', dir: 'desc' })
  })

  it('falls back to defaults for unknown values in the URL', async () => {
    const app = await openPage('/machines?state=melting&sort=colour&dir=sideways&region=mars&type=warp9&create=yes')
    expect(bodyRows()).toHaveLength(app.simulator.store.machines.length)
    expect(screen.getByRole('combobox', { name: 'State' })).toHaveValue('')
    expect(screen.getByRole('combobox', { name: 'Region' })).toHaveValue('')
    expect(screen.getByRole('combobox', { name: 'Machine type' })).toHaveValue('')
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending')
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
  })

  it('keeps the last rows with a stale notice when a refresh fails', async () => {
    const app = await openPage('/machines')
    const first = rowNames()[0] ?? ''
    app.simulator.setFaults([{ kind: 'error', status: 503, operations: ['listMachines'] }])
    await app.user.click(screen.getByRole('button', { name: 'Refresh' }))
    const notice = (await screen.findByText(/Stale since \d\d:\d\d/)).closest('[role="alert"]') as HTMLElement
    expect(notice).toBeInTheDocument()
    expect(notice).toHaveTextContent('Something went wrong on our side. Try again.')
    expect(rowNames()).toHaveLength(app.simulator.store.machines.length)
    expect(rowNames()[0]).toBe(first)

    app.simulator.clearFaults()
    await app.user.click(within(notice).getByRole('button', { name: 'Retry now' }))
    await waitFor(() => expect(screen.queryByText(/Stale since/)).not.toBeInTheDocument())
  })

  it('shows the API message and a retry when the first load fails', async () => {
    const app = await renderApp('/machines', { faults: [{ kind: 'error', status: 500, operations: ['listMachines'] }] })
    const alert = (await screen.findByText('Could not load the machines')).closest('[role="alert"]') as HTMLElement
    expect(alert).toHaveTextContent('Something went wrong on our side. Try again.')
    app.simulator.clearFaults()
    await app.user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await screen.findByRole('table', { name: 'Machines' })).toBeInTheDocument()
  })

  it('says so when the team has no machines', async () => {
    await openPage('/machines', { machines: 0 })
    expect(screen.getByText('No machines yet')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Create your first machine' })).toBeInTheDocument()
  })

  it('follows only the machines in transition of a large fleet', async () => {
    const app = await openPage('/machines', { machines: 300 })
    const moving = app.simulator.store.machines.filter((m) => m.state === 'starting' || m.state === 'stopping')
    expect(moving.length).toBeGreaterThan(0)
    const listsBefore = app.requests.filter((r) => r.startsWith('GET /machines?')).length

    await app.queryClient.refetchQueries({ queryKey: [...machineKeys.lists(), 'transitions'] })
    for (const machine of moving) expect(app.requests).toContain(`GET /machines/${machine.id}`)

    // Once they have settled, the next follow-up writes their final state into the table without a list request.
    app.clock.advance(60_000)
    await app.queryClient.refetchQueries({ queryKey: [...machineKeys.lists(), 'transitions'] })
    const target = moving[0]
    if (!target?.name) throw new Error('no machine')
    const final = target.state === 'starting' ? 'Ready' : 'Off'
    await fill(app, screen.getByRole('searchbox', { name: 'Filter machines' }), target.id ?? '')
    await waitFor(() => expect(stateIn(rowOf(target.name ?? ''))).toBe(final))
    expect(app.requests.filter((r) => r.startsWith('GET /machines?'))).toHaveLength(listsBefore)
  })
})
