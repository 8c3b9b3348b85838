import { within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { expectNoRequest, openMachine, region } from './test-helpers'

const desktop = () => within(region('Desktop'))

describe('desktop', () => {
  it('shows host, port and protocol with the token masked until revealed', async () => {
    const { machineId, user } = await openMachine((m) => m.state === 'ready')
    const reveal = await desktop().findByRole('button', { name: 'Reveal token' })
    expect(desktop().getByText(new RegExp(`${machineId}\\.desktop\\.paperspace\\.com$`))).toBeVisible()
    expect(desktop().getByText(/^(nice-dcv|vnc|rdp)$/)).toBeVisible()
    expect(desktop().getByText(/^(443|5900)$/)).toBeVisible()
    expect(desktop().queryByText(/^[0-9a-f]{32}$/)).toBeNull()
    expect(desktop().getByText('Hidden')).toBeInTheDocument()
    expect(desktop().getByRole('button', { name: 'Copy token' })).toBeVisible()
    await user.click(reveal)
    expect(desktop().getByText(/^[0-9a-f]{32}$/)).toBeVisible()
    await user.click(desktop().getByRole('button', { name: 'Hide token' }))
    expect(desktop().queryByText(/^[0-9a-f]{32}$/)).toBeNull()
  })

  it('explains why it is unavailable and does not even ask while the machine is not ready', async () => {
    const { requests } = await openMachine((m) => m.state === 'off')
    expect(desktop().getByText(/The desktop is available while the machine is running\. It is off now/)).toBeVisible()
    expect(desktop().queryByRole('button', { name: 'Reveal token' })).toBeNull()
    expectNoRequest(requests, '/desktop')
  })

  it('shows its own error with a retry', async () => {
    const { simulator, user } = await openMachine((m) => m.state === 'ready', {
      faults: [{ kind: 'error', status: 503, operations: ['getMachineDesktop'] }],
    })
    const alert = await desktop().findByRole('alert')
    expect(alert).toHaveTextContent('Could not load the desktop settings')
    simulator.clearFaults()
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(await desktop().findByRole('button', { name: 'Reveal token' })).toBeVisible()
  })

  it('says a Windows desktop of the live service has no token to reveal', async () => {
    await openMachine((m) => m.state === 'ready' && (m.os ?? '').startsWith('Windows'), {
      dialect: 'live',
      machines: 200,
    })
    expect(await desktop().findByText(/None: this desktop signs in with the machine's own credentials/)).toBeVisible()
    expect(desktop().queryByRole('button', { name: 'Reveal token' })).toBeNull()
    expect(desktop().getByText('rdp')).toBeVisible()
  })
})
