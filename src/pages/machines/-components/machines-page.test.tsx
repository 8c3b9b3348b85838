import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import { beforeAll, describe, expect, it } from 'vitest'
import { FILTER_URL_DELAY_MS } from './fleet-toolbar'
import {
  bodyRows,
  loadMachinesPageCode,
  openMachinesPage as openPage,
  rowNames,
  searchOf as search,
} from './machines-test-helpers'

const box = () => screen.getByRole('searchbox', { name: 'Filter machines' })
/** Well within the pause before the URL is written: what shows by then came from Enter or leaving the box. */
const atOnce = { timeout: FILTER_URL_DELAY_MS / 2 }

describe('machines page: the filter text and the URL', () => {
  beforeAll(loadMachinesPageCode)

  it('filters the table as the text is typed and writes the URL once typing pauses, replacing the entry', async () => {
    const app = await openPage('/machines')
    const all = app.simulator.store.machines
    const training = all.filter((m) => m.name?.includes('train')).map((m) => m.name)
    const entries = app.history.length

    fireEvent.change(box(), { target: { value: 'train' } })
    await act(async () => {})
    expect(search(app).q).toBeUndefined()
    await waitFor(() => expect(rowNames().sort()).toEqual(training.sort()))

    await waitFor(() => expect(search(app).q).toBe('train'))
    expect(app.history.length).toBe(entries)
    expect(box()).toHaveValue('train')
  })

  it('writes the URL at once on Enter and when the box loses focus', async () => {
    const app = await openPage('/machines')
    fireEvent.change(box(), { target: { value: 'train' } })
    fireEvent.keyDown(box(), { key: 'Enter' })
    await waitFor(() => expect(search(app).q).toBe('train'), atOnce)

    fireEvent.change(box(), { target: { value: 'eval' } })
    fireEvent.blur(box())
    await waitFor(() => expect(search(app).q).toBe('eval'), atOnce)
  })

  it('follows the back button after typing', async () => {
    const app = await openPage('/machines')
    const all = app.simulator.store.machines
    await app.user.selectOptions(screen.getByRole('combobox', { name: 'Region' }), 'ny2')
    await waitFor(() => expect(search(app).region).toBe('ny2'))

    fireEvent.change(box(), { target: { value: 'train' } })
    fireEvent.keyDown(box(), { key: 'Enter' })
    await waitFor(() => expect(search(app)).toMatchObject({ q: 'train', region: 'ny2' }))
    const trainingInNy2 = all.filter((m) => m.region === 'ny2' && m.name?.includes('train')).map((m) => m.name)
    await waitFor(() => expect(rowNames().sort()).toEqual(trainingInNy2.sort()))

    // The text replaced the region's entry: one step back is the page before the region was chosen.
    app.history.back()
    await waitFor(() => expect(search(app).region).toBeUndefined())
    expect(search(app).q).toBeUndefined()
    await waitFor(() => expect(box()).toHaveValue(''))
    await waitFor(() => expect(bodyRows()).toHaveLength(all.length))

    app.history.forward()
    await waitFor(() => expect(box()).toHaveValue('train'))
    await waitFor(() => expect(rowNames().sort()).toEqual(trainingInNy2.sort()))
  })

  it('sorts on a click, then writes the sort into the URL as a new entry', async () => {
    const app = await openPage('/machines')
    const names = rowNames()
    await app.user.click(screen.getByRole('button', { name: 'Name' }))
    await waitFor(() => expect(rowNames()).toEqual([...names].reverse()))
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending')
    await waitFor(() => expect(search(app).dir).toBe('desc'))

    app.history.back()
    await waitFor(() => expect(rowNames()).toEqual(names))
    expect(search(app).dir).toBeUndefined()
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending')
  })
})
