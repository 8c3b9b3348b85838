// The machine page against the live service's dialect: what it tells beyond the contract is shown, what it leaves
// out (gpu, dtLastRun, owner) is shown from what it does send, or not at all.
import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { createSimulator, FakeClock } from '../../../../server/simulator/simulator'
import { openMachine } from './test-helpers'

const LIVE = { dialect: 'live', live429Rate: 0 } as const
const header = () => screen.getByRole('heading', { level: 1 }).closest('header') as HTMLElement

interface LiveMachine {
  id: string
  state: string
  machineType: string
  accelerators: Array<{ name: string; count: number; memory: number }> | null
  updatesPending: boolean
  reservation: { name: string } | null
  restorePointEnabled: boolean
  restorePointSnapshotId: string | null
}

/** The fleet the page will see, read raw from a simulator built the same way (same seed, size and time). */
async function liveFleet(): Promise<LiveMachine[]> {
  const simulator = createSimulator({
    ...LIVE,
    seed: 1,
    machines: 40,
    clock: new FakeClock(Date.parse('2026-11-28T12:00:00Z')),
  })
  const response = await simulator.fetch(
    new Request('http://simulator.test/v1/machines?limit=120', { headers: { Authorization: 'Bearer k' } }),
  )
  return ((await response.json()) as { items: LiveMachine[] }).items
}

/** The text of the header fact labelled `label`. */
function fact(label: string): string {
  const term = within(header()).getByText(label, { selector: 'dt' })
  return term.nextElementSibling?.textContent ?? ''
}

describe('a live machine’s page', () => {
  it('shows the GPUs from the accelerators, the disk used, the rates, and no owner', async () => {
    const target = (await liveFleet()).find((m) => m.accelerators?.[0]?.memory && m.state === 'ready')
    if (!target) throw new Error('the live fleet has no GPU machine running')
    await openMachine((m) => m.id === target.id, LIVE)
    const [gpu] = target.accelerators ?? []
    expect(fact('GPU')).toMatch(new RegExp(`${gpu?.name}, ${(gpu?.memory ?? 0) / 1024 ** 3} GB`))
    expect(fact('Storage')).toMatch(/^\d+(\.\d)? [MGT]B of \d+ GB used$/)
    expect(fact('Rate')).toMatch(/^\$\d+\.\d\d\/h running, (< )?\$\d+\.\d\d\/h disk$/)
    expect(fact('Owner')).toBe('—')
    expect(fact('Team')).toBe('—')
  })

  it('says when updates are pending', async () => {
    const pending = (await liveFleet()).find((m) => m.updatesPending)
    if (!pending) throw new Error('the live fleet has no machine with updates pending')
    await openMachine((m) => m.id === pending.id, LIVE)
    expect(within(header()).getByText('Updates pending')).toBeVisible()
  })

  it('shows the reservation and the restore point where there is one', async () => {
    const fleet = await liveFleet()
    const target = fleet.find((m) => m.reservation && m.restorePointEnabled) ?? fleet.find((m) => m.reservation)
    if (!target?.reservation) throw new Error('the live fleet has no reserved machine')
    await openMachine((m) => m.id === target.id, LIVE)
    expect(fact('Reservation')).toBe(target.reservation.name)
    expect(fact('Restore point')).toBe(
      target.restorePointEnabled ? `Restored at every shutdown, from snapshot ${target.restorePointSnapshotId}` : 'Off',
    )
  })

  it('tells when it last started from its events', async () => {
    const off = (await liveFleet()).find((m) => m.state === 'off')
    if (!off) throw new Error('the live fleet has no machine off')
    let startedAt = ''
    await openMachine((m) => m.id === off.id, {
      ...LIVE,
      prepare: async (_fleet, { simulator, clock }) => {
        const start = new Request(`http://simulator.test/v1/machines/${off.id}/start`, {
          method: 'PATCH',
          headers: { Authorization: 'Bearer test-key' },
        })
        expect((await simulator.fetch(start)).status).toBe(200)
        clock.advance(30_000)
        startedAt = new Date(clock.now()).toISOString()
      },
    })
    const lastRun = () => within(header()).getByText('Last run', { selector: 'dt' }).nextElementSibling as HTMLElement
    await waitFor(() => expect(lastRun().querySelector('time')).toHaveAttribute('datetime', startedAt))
    expect(lastRun()).not.toHaveTextContent('—')
  })
})
