import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { client, unwrap } from '../../api/client'
import { MACHINE_TYPES, REGIONS } from '../../lib/catalog'
import { renderApp } from '../../test/render'

/** Cells the catalog offers: the ones the grid asks the API about. */
const OFFERED = MACHINE_TYPES.reduce((sum, type) => sum + type.regions.length, 0)
const isAvailabilityRequest = (r: string) => r.startsWith('GET /machine-availability')

function grid() {
  return screen.getByRole('table', { name: /availability of each machine type/i })
}

/** The cell of a type (row header) in a region (column header), found through the table's headers. */
function cell(type: string, region: string): HTMLTableCellElement {
  const table = grid()
  const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent ?? '')
  const column = headers.findIndex((h) => h.includes(`(${region.toUpperCase()})`))
  const rowHeader = [...table.querySelectorAll('th[scope="row"]')].find((th) => th.textContent === type)
  if (!rowHeader) throw new Error(`no row for ${type}`)
  return rowHeader.closest('tr')!.cells[column] as HTMLTableCellElement
}

const rowHeaders = () => [...grid().querySelectorAll('th[scope="row"]')].map((th) => th.textContent)

async function settled() {
  await waitFor(() => expect(screen.getByText(/Last checked at/)).toBeInTheDocument(), { timeout: 4_000 })
}

describe('/availability', () => {
  it('fills every region × type cell from /machine-availability, grouped by class with catalog facts', async () => {
    const { requests } = await renderApp('/availability')
    expect(screen.getByRole('heading', { name: 'Availability', level: 1 })).toBeInTheDocument()
    for (const region of REGIONS) expect(within(grid()).getByRole('columnheader', { name: region.name })).toBeVisible()
    for (const group of ['CPU', 'Single GPU', 'Multi GPU']) {
      expect(within(grid()).getByRole('rowheader', { name: group })).toBeInTheDocument()
    }
    await settled()

    expect(within(grid()).queryByText('Checking…')).not.toBeInTheDocument()
    expect(requests.filter(isAvailabilityRequest)).toHaveLength(OFFERED)
    expect(rowHeaders()).toEqual(MACHINE_TYPES.map((t) => t.name))
    for (const type of MACHINE_TYPES) {
      for (const region of REGIONS) {
        const text = cell(type.name, region.id).textContent
        if (!type.regions.includes(region.id)) {
          expect(text).toBe('Not offered')
          continue
        }
        const answer = await unwrap(
          client.GET('/machine-availability', { params: { query: { machineType: type.name, region: region.id } } }),
        )
        expect(text).toMatch(answer.available ? /^Available/ : /^Unavailable$/)
      }
    }
    const a100 = cell('A100', 'ny2').closest('tr')!
    expect(within(a100).getByText('40 GB')).toBeInTheDocument()
    expect(within(a100).getByText('$3.09')).toBeInTheDocument()
    expect(within(grid()).getAllByText('Unavailable').length).toBeGreaterThan(0)
  })

  it('opens "Create machine" with the region and type of an available cell', async () => {
    const { user, router } = await renderApp('/availability')
    await settled()
    await user.click(within(cell('C5', 'ams1')).getByRole('link', { name: /create a C5 in Europe \(AMS1\)/ }))
    await waitFor(() => expect(router.state.location.pathname).toBe('/machines'))
    expect(router.state.location.search).toMatchObject({ create: 1, createRegion: 'ams1', createType: 'C5' })
    const dialog = await screen.findByRole('dialog', { name: 'Create machine' })
    expect(within(dialog).getByRole('combobox', { name: 'Region' })).toHaveValue('ams1')
  })
})
