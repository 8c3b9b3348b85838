import { act, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { client } from '../../../api/client'
import { dismissToast, getToasts } from '../../../components/ui/toast-store'
import { openMachine, region } from './test-helpers'

const lifecycle = () => within(region('Lifecycle'))
const stateStatus = () => screen.getByRole('status', { name: 'Machine state' })
const expectState = (text: string) => waitFor(() => expect(stateStatus()).toHaveTextContent(text))

afterEach(() => {
  for (const toast of getToasts()) dismissToast(toast.id)
})

describe('lifecycle buttons', () => {
  it.each([
    ['ready', { Start: 'The machine is already running.', Stop: null, Restart: null }],
    ['off', { Start: null, Stop: 'The machine is already off.', Restart: 'Only a running machine can be restarted.' }],
    [
      'failed',
      {
        Start: null,
        Stop: 'The machine cannot be stopped in this state.',
        Restart: 'Only a running machine can be restarted.',
      },
    ],
    [
      'starting',
      { Start: 'The machine is starting.', Stop: 'The machine is starting.', Restart: 'The machine is starting.' },
    ],
    [
      'stopping',
      { Start: 'The machine is stopping.', Stop: 'The machine is stopping.', Restart: 'The machine is stopping.' },
    ],
  ] as const)(
    'in state %s, enable only the actions that apply and say why the others do not',
    async (state, expected) => {
      await openMachine((m) => m.state === state)
      for (const [name, reason] of Object.entries(expected)) {
        const button = lifecycle().getByRole('button', { name })
        if (reason === null) {
          expect(button).toBeEnabled()
          expect(button).not.toHaveAccessibleDescription()
        } else {
          expect(button).toBeDisabled()
          expect(button).toHaveAccessibleDescription(reason)
          expect(lifecycle().getByText(reason)).toBeVisible()
        }
      }
    },
  )

  it('starts an off machine at once, follows it until ready and says so', async () => {
    const { machine, machineId, clock, simulator, refresh, user } = await openMachine((m) => m.state === 'off')
    await user.click(lifecycle().getByRole('button', { name: 'Start' }))
    expect(stateStatus()).toHaveTextContent('Starting')
    expect(await lifecycle().findByText(/following the machine until it settles/)).toBeVisible()
    expect(simulator.store.machine(machineId)?.state).toBe('starting')
    clock.advance(30_000)
    await refresh()
    await expectState('Ready')
    expect(await screen.findByText(`${machine.name} is ready`)).toBeVisible()
    expect(lifecycle().getByRole('button', { name: 'Stop' })).toBeEnabled()
  })

  it('starts a failed machine', async () => {
    const { machineId, simulator, user } = await openMachine((m) => m.state === 'failed')
    await user.click(lifecycle().getByRole('button', { name: 'Start' }))
    await expectState('Starting')
    expect(simulator.store.machine(machineId)?.state).toBe('starting')
  })

  it('stops a ready machine after confirmation, follows it until off and says so', async () => {
    const { machine, machineId, clock, simulator, refresh, user } = await openMachine((m) => m.state === 'ready')
    await user.click(lifecycle().getByRole('button', { name: 'Stop' }))
    const dialog = screen.getByRole('dialog', { name: `Stop ${machine.name}?` })
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(simulator.store.machine(machineId)?.state).toBe('ready')
    expect(screen.queryByRole('dialog')).toBeNull()

    await user.click(lifecycle().getByRole('button', { name: 'Stop' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Stop machine' }))
    expect(stateStatus()).toHaveTextContent('Stopping')
    await act(async () => {})
    expect(simulator.store.machine(machineId)?.state).toBe('stopping')
    clock.advance(20_000)
    await refresh()
    await expectState('Off')
    expect(await screen.findByText(`${machine.name} is off`)).toBeVisible()
  })

  it('restarts a ready machine after confirmation', async () => {
    const { machine, machineId, clock, simulator, refresh, user } = await openMachine((m) => m.state === 'ready')
    await user.click(lifecycle().getByRole('button', { name: 'Restart' }))
    await user.click(
      within(screen.getByRole('dialog', { name: `Restart ${machine.name}?` })).getByRole('button', {
        name: 'Restart machine',
      }),
    )
    expect(stateStatus()).toHaveTextContent('Restarting')
    await act(async () => {})
    expect(simulator.store.machine(machineId)?.state).toBe('restarting')
    clock.advance(40_000)
    await refresh()
    await expectState('Ready')
    expect(await screen.findByText(`${machine.name} is ready`)).toBeVisible()
  })

  it('rolls back with the API message when the service refuses an action', async () => {
    const { machine, machineId, user } = await openMachine((m) => m.state === 'off')
    // Someone else starts the machine; the page still shows it off until its next poll.
    await client.PATCH('/machines/{id}/start', { params: { path: { id: machineId } } })
    await user.click(lifecycle().getByRole('button', { name: 'Start' }))
    expect(
      await lifecycle().findByText(`Could not start ${machine.name}: This machine is currently starting.`),
    ).toBeVisible()
    expect(stateStatus()).toHaveTextContent('Starting')
  })

  it('shows the new state optimistically and rolls back on an injected failure', async () => {
    const { machine, machineId, simulator, user } = await openMachine((m) => m.state === 'ready')
    simulator.setFaults([
      { kind: 'latency', ms: 150, operations: ['stopMachine'] },
      { kind: 'error', status: 500, operations: ['stopMachine'] },
    ])
    await user.click(lifecycle().getByRole('button', { name: 'Stop' }))
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Stop machine' }))
    expect(stateStatus()).toHaveTextContent('Stopping')
    expect(await lifecycle().findByRole('alert')).toHaveTextContent(
      `Could not stop ${machine.name}: Something went wrong on our side. Try again.`,
    )
    expect(stateStatus()).toHaveTextContent('Ready')
    expect(lifecycle().getByRole('button', { name: 'Stop' })).toBeEnabled()
    expect(simulator.store.machine(machineId)?.state).toBe('ready')
    // A rollback is not a machine that became ready: no toast says so.
    expect(screen.queryByText(`${machine.name} is ready`)).toBeNull()
  })

  it('rolls back a start on an injected failure', async () => {
    const { machine, simulator, user } = await openMachine((m) => m.state === 'off')
    simulator.setFaults([{ kind: 'error', status: 503, operations: ['startMachine'] }])
    await user.click(lifecycle().getByRole('button', { name: 'Start' }))
    expect(await lifecycle().findByRole('alert')).toHaveTextContent(`Could not start ${machine.name}:`)
    expect(stateStatus()).toHaveTextContent('Off')
  })
})
