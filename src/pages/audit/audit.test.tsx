import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { entryAt } from '../../test/fleet-server'
import { renderApp } from '../../test/render'

const table = () => screen.getByRole('table', { name: 'Audit entries, newest first' })
/** The body rows of the table (the first row is its header). */
const rows = () => within(table()).getAllByRole('row').slice(1)

const BOB = { id: 'u-bob', email: 'bob@example.com', name: 'Bob Babbage', via: 'sso' } as const
const NIGHTLY = { id: 'sch-1', email: null, name: 'Nightly stop', via: 'schedule' } as const

describe('audit page', () => {
  it('lists entries newest first, and keeps its filters in the URL', async () => {
    const { user, router, fleet } = await renderApp('/audit', {
      prepare: async (fleet, { clock }) => {
        await fleet.seedAudit(entryAt(clock, 300, { machineId: 'ps-one', machineName: 'trainer-1' }))
        await fleet.seedAudit(
          entryAt(clock, 200, {
            actor: BOB,
            action: 'stop',
            machineId: 'ps-two',
            machineName: null,
            summary: 'Stop the machine',
          }),
          { outcome: 'failed', status: 409, message: 'The machine is already off.' },
        )
        await fleet.seedAudit(
          entryAt(clock, 100, { actor: NIGHTLY, action: 'stop', machineId: 'ps-one', summary: 'Stop the machine' }),
        )
      },
    })
    expect(await screen.findByRole('heading', { name: 'Audit', level: 1 })).toBeVisible()
    await waitFor(() => expect(rows()).toHaveLength(3))
    const [newest, failed, oldest] = rows()
    expect(newest).toHaveTextContent('Nightly stop')
    expect(newest).toHaveTextContent('Schedule')
    expect(failed).toHaveTextContent('Bob Babbage')
    expect(failed).toHaveTextContent('SSO header')
    expect(failed).toHaveTextContent('Failed · HTTP 409')
    expect(failed).toHaveTextContent('The machine is already off.')
    // A machine with no known name is named by its id, and both link to the machine's page.
    expect(within(failed as HTMLElement).getByRole('link', { name: 'ps-two' })).toHaveAttribute(
      'href',
      '/machines/ps-two',
    )
    expect(within(oldest as HTMLElement).getByRole('link', { name: 'trainer-1' })).toHaveAttribute(
      'href',
      '/machines/ps-one',
    )
    expect(oldest).toHaveTextContent('Signed-in key')
    expect(oldest).toHaveTextContent('OK')

    await user.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'Stop')
    await waitFor(() => expect(rows()).toHaveLength(2))
    await user.type(screen.getByRole('searchbox', { name: 'Actor' }), 'bob{Enter}')
    await waitFor(() => expect(rows()).toHaveLength(1))
    expect(rows()[0]).toHaveTextContent('Bob Babbage')
    expect(router.state.location.search).toEqual({ action: 'stop', actor: 'bob' })
    expect(fleet.requests.at(-1)).toBe('GET /api/audit?actor=bob&action=stop&limit=50')
    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute(
      'href',
      '/api/audit/export?actor=bob&action=stop',
    )
  })

  it('reads its filters from the URL and ignores values that cannot be filters', async () => {
    await renderApp('/audit?outcome=failed&action=explode', {
      prepare: async (fleet, { clock }) => {
        await fleet.seedAudit(entryAt(clock, 60))
        await fleet.seedAudit(entryAt(clock, 30, { action: 'stop' }), { outcome: 'failed', status: 500 })
      },
    })
    expect(await screen.findByRole('combobox', { name: 'Outcome' })).toHaveDisplayValue('Failed')
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveDisplayValue('All actions')
    await waitFor(() => expect(rows()).toHaveLength(1))
    expect(rows()[0]).toHaveTextContent('Failed · HTTP 500')
  })

  it('pages back with Load more until there are no older entries', async () => {
    const { user, fleet } = await renderApp('/audit', {
      prepare: async (fleet, { clock }) => {
        for (let i = 0; i < 60; i += 1) {
          await fleet.seedAudit(entryAt(clock, 1000 - i, { summary: `Entry number ${i}` }))
        }
      },
    })
    await waitFor(() => expect(rows()).toHaveLength(50))
    expect(rows()[0]).toHaveTextContent('Entry number 59')
    await user.click(screen.getByRole('button', { name: 'Load more' }))
    await waitFor(() => expect(rows()).toHaveLength(60))
    expect(rows()[59]).toHaveTextContent('Entry number 0')
    expect(screen.getByText('No older entries.')).toBeVisible()
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument()
    expect(
      fleet.requests.filter((request) => request.startsWith('GET /api/audit?') && request.includes('after=')),
    ).toHaveLength(1)
  })

  it('says when nothing matches, and clears the filters', async () => {
    const { user, router } = await renderApp('/audit?actor=nobody', {
      prepare: async (fleet, { clock }) => {
        await fleet.seedAudit(entryAt(clock, 60))
      },
    })
    expect(await screen.findByText('No audit entries match these filters')).toBeVisible()
    const empty = screen.getByText('No audit entries match these filters').parentElement as HTMLElement
    await user.click(within(empty).getByRole('button', { name: 'Clear filters' }))
    await waitFor(() => expect(rows()).toHaveLength(1))
    expect(router.state.location.search).toEqual({})
    expect(screen.getByRole('searchbox', { name: 'Actor' })).toHaveValue('')
  })

  it('says when there is nothing yet', async () => {
    await renderApp('/audit')
    expect(await screen.findByText('No audit entries yet')).toBeVisible()
    expect(screen.queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument()
  })

  it('shows the server’s refusal with a retry, and keeps the entries already shown', async () => {
    const { user } = await renderApp('/audit', {
      prepare: async (fleet, { clock }) => {
        await fleet.seedAudit(entryAt(clock, 60, { summary: 'Start trainer-1' }))
      },
    })
    await waitFor(() => expect(rows()).toHaveLength(1))
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-28' } })
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-27' } })
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Could not load the audit entries')
    expect(alert).toHaveTextContent('from must be before to.')
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeEnabled()
    expect(screen.getByText('Showing the entries loaded before.')).toBeVisible()
    expect(rows()[0]).toHaveTextContent('Start trainer-1')

    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-29' } })
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument())
    await user.click(screen.getByRole('button', { name: 'Clear filters' }))
    await waitFor(() => expect(rows()[0]).toHaveTextContent('Start trainer-1'))
  })
})
