import { screen, waitFor, within } from '@testing-library/react'
import { beforeAll, describe, expect, it } from 'vitest'
import { machineKeys } from '../../../api/machines'
import { MACHINE_TYPES } from '../../../lib/catalog'
import {
  type App,
  fill,
  loadMachinesPageCode,
  openMachinesPage as openPage,
  rowOf,
  searchOf as search,
  stateIn,
} from './machines-test-helpers'

describe('creating a machine from the machines page', () => {
  beforeAll(loadMachinesPageCode)

  it('checks the form as you type and names every missing field on send', async () => {
    const app = await openPage('/machines')
    await app.user.click(screen.getByRole('button', { name: 'Create machine' }))
    const dialog = await screen.findByRole('dialog', { name: 'Create machine' })
    expect(search(app).create).toBe(1)

    await app.user.click(within(dialog).getByRole('button', { name: 'Create machine' }))
    expect(within(dialog).getByText('Enter a name.')).toBeInTheDocument()
    expect(within(dialog).getByText('Choose a region.')).toBeInTheDocument()
    expect(within(dialog).getByText('Choose a machine type.')).toBeInTheDocument()
    const name = within(dialog).getByRole('textbox', { name: 'Name' })
    expect(name).toHaveFocus()
    expect(name).toHaveAttribute('aria-invalid', 'true')

    await fill(app, name, 'x'.repeat(65))
    expect(within(dialog).getByText('Use at most 64 characters (now 65).')).toBeInTheDocument()
    await fill(app, name, 'render-farm-01')
    expect(within(dialog).queryByText(/Use at most/)).not.toBeInTheDocument()

    await app.user.selectOptions(within(dialog).getByRole('combobox', { name: 'Region' }), 'ca1')
    await app.user.selectOptions(within(dialog).getByRole('combobox', { name: 'Machine type' }), 'A100')
    expect(within(dialog).getByText(/A100 is not offered in West Coast \(CA1\)/)).toBeInTheDocument()

    const disk = within(dialog).getByRole('textbox', { name: 'Disk size (GB)' })
    await fill(app, disk, '10')
    expect(within(dialog).getByText('Enter a whole number of GB from 50 to 2000.')).toBeInTheDocument()

    await app.user.click(within(dialog).getByRole('checkbox', { name: 'Shut down automatically' }))
    await fill(app, within(dialog).getByRole('textbox', { name: 'Auto-shutdown after (hours)' }), '200')
    expect(within(dialog).getByText('Enter a whole number of hours from 1 to 168.')).toBeInTheDocument()

    await app.user.click(within(dialog).getByRole('button', { name: 'Create machine' }))
    expect(app.requests.some((r) => r.startsWith('POST'))).toBe(false)

    await app.user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
    expect(search(app).create).toBeUndefined()
  })

  it('shows the API refusal in the form with the input kept, then creates the machine', async () => {
    const app = await openPage('/machines?create=1')
    const dialog = await screen.findByRole('dialog', { name: 'Create machine' })
    const name = within(dialog).getByRole('textbox', { name: 'Name' })
    await fill(app, name, 'render-farm-01')
    await fill(app, within(dialog).getByRole('textbox', { name: 'Disk size (GB)' }), '100')
    await app.user.click(within(dialog).getByRole('checkbox', { name: 'Shut down automatically' }))
    await fill(app, within(dialog).getByRole('textbox', { name: 'Auto-shutdown after (hours)' }), '12')

    // A GPU type without capacity right now: the form warns, and the API's refusal shows in the form.
    const unavailable = await findUnavailableGpu(app)
    await app.user.selectOptions(within(dialog).getByRole('combobox', { name: 'Region' }), unavailable.region)
    await app.user.selectOptions(within(dialog).getByRole('combobox', { name: 'Machine type' }), unavailable.type)
    expect(await within(dialog).findByText(/is not available in .* right now/)).toBeInTheDocument()
    await app.user.click(within(dialog).getByRole('button', { name: 'Create anyway' }))
    const refusal = await within(dialog).findByRole('alert')
    expect(refusal).toHaveTextContent('The machine was not created')
    expect(refusal).toHaveTextContent(`${unavailable.type} is not available in ${unavailable.region} right now.`)
    expect(name).toHaveValue('render-farm-01')

    await app.user.selectOptions(within(dialog).getByRole('combobox', { name: 'Machine type' }), 'C5')
    expect(await within(dialog).findByText(/C5 is available in/)).toBeInTheDocument()
    await app.user.click(within(dialog).getByRole('button', { name: 'Create machine' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
    expect(search(app).create).toBeUndefined()

    const created = app.simulator.store.machines.find((m) => m.name === 'render-farm-01')
    expect(created).toMatchObject({ machineType: 'C5', region: unavailable.region, autoShutdownEnabled: true })
    expect(stateIn(rowOf('render-farm-01'))).toBe('Provisioning')

    // It moves through its states as the simulated time passes.
    app.clock.advance(125_000)
    await app.queryClient.invalidateQueries({ queryKey: machineKeys.fleet() })
    await waitFor(() => expect(stateIn(rowOf('render-farm-01'))).toBe('Starting'))
    app.clock.advance(35_000)
    await app.queryClient.invalidateQueries({ queryKey: machineKeys.fleet() })
    await waitFor(() => expect(stateIn(rowOf('render-farm-01'))).toBe('Ready'))
  })

  it('opens the create dialog prefilled from the URL', async () => {
    await openPage('/machines?create=1&createRegion=ny2&createType=A100')
    const dialog = await screen.findByRole('dialog', { name: 'Create machine' })
    expect(within(dialog).getByRole('combobox', { name: 'Region' })).toHaveValue('ny2')
    expect(within(dialog).getByRole('combobox', { name: 'Machine type' })).toHaveValue('A100')
    expect(await within(dialog).findByText(/A100 is (not )?available in East Coast \(NY2\)/)).toBeInTheDocument()
  })
})

async function findUnavailableGpu(app: App): Promise<{ region: string; type: string }> {
  for (const type of MACHINE_TYPES.filter((t) => t.class !== 'cpu')) {
    for (const region of type.regions) {
      const response = await app.simulator.fetch(
        new Request(`http://simulator.test/v1/machine-availability?region=${region}&machineType=${type.name}`, {
          headers: { Authorization: 'Bearer test-key' },
        }),
      )
      const body = (await response.json()) as { available: boolean }
      if (!body.available) return { region, type: type.name }
    }
  }
  throw new Error('every GPU type is available for this seed')
}
