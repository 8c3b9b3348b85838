/**
 * A double click never sends a mutation twice. Each write is made slow (simulator latency), so the second click
 * lands while the first request is still on its way.
 */
import { screen, waitFor, within } from '@testing-library/react'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadMachinesPageCode, openMachinesPage, fill as paste } from './-components/machines-test-helpers'

const slow = (...operations: string[]) => ({ faults: [{ kind: 'latency' as const, ms: 300, operations }] })
/** Room for the slowed request and the refresh after it, on a busy machine. */
const LATER = { timeout: 3_000 }
const count = (requests: readonly string[], request: string) => requests.filter((r) => r === request).length

describe('a double click on the machines list sends one request', () => {
  beforeAll(loadMachinesPageCode)

  it('create', async () => {
    const app = await openMachinesPage('/machines?create=1', slow('createMachine'))
    const dialog = await screen.findByRole('dialog', { name: 'Create machine' })
    await paste(app, within(dialog).getByRole('textbox', { name: 'Name' }), 'made-once')
    await app.user.selectOptions(within(dialog).getByRole('combobox', { name: 'Region' }), 'ny2')
    await app.user.selectOptions(within(dialog).getByRole('combobox', { name: 'Machine type' }), 'C5')
    await app.user.dblClick(within(dialog).getByRole('button', { name: 'Create machine' }))
    await waitFor(() => expect(app.simulator.store.machines.some((m) => m.name === 'made-once')).toBe(true), LATER)
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument(), LATER)
    expect(count(app.requests, 'POST /machines')).toBe(1)
  })

  it('bulk start, confirmed', async () => {
    const app = await openMachinesPage('/machines', slow('startMachine'))
    const off = app.simulator.store.machines.filter((m) => m.state === 'off').slice(0, 2)
    if (off.length < 2) throw new Error('the fleet needs two machines that are off')
    for (const machine of off) await app.user.click(screen.getByRole('checkbox', { name: `Select ${machine.name}` }))
    await app.user.click(screen.getByRole('button', { name: 'Start' }))
    const dialog = await screen.findByRole('dialog', { name: 'Start 2 machines?' })
    await app.user.dblClick(within(dialog).getByRole('button', { name: 'Start 2 machines' }))
    await waitFor(() => expect(within(dialog).getAllByText('Accepted')).toHaveLength(2), LATER)
    for (const machine of off) expect(count(app.requests, `PATCH /machines/${machine.id}/start`)).toBe(1)
  })
})
