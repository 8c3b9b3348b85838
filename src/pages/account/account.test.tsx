import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../../test/render'

/** Who the simulator says owns the test key: the person and team a demo server acts as. */
async function keyOwner(simulator: Awaited<ReturnType<typeof renderApp>>['simulator']) {
  const answer = await simulator.fetch(
    new Request('http://simulator.test/v1/auth/session', { headers: { Authorization: 'Bearer test-key' } }),
  )
  const body = (await answer.json()) as {
    user: { email: string; firstName: string; lastName: string }
    team: { namespace: string }
  }
  return { name: `${body.user.firstName} ${body.user.lastName}`, email: body.user.email, team: body.team.namespace }
}

describe('account', () => {
  it('shows who the server knows you as, and the header names you and the team', async () => {
    const { simulator, user } = await renderApp('/machines')
    const owner = await keyOwner(simulator)
    const label = `${owner.name} · ${owner.team}`
    const identity = await screen.findByRole('link', { name: `Account: ${label}` })
    expect(identity.closest('header')).not.toBeNull()
    expect(identity).toHaveTextContent(label)
    expect(identity).toHaveAttribute('title', label)

    await user.click(identity)
    expect(await screen.findByRole('heading', { name: 'Account', level: 1 })).toBeVisible()
    const you = screen.getByRole('region', { name: 'You' })
    expect(within(you).getByText('Name').nextElementSibling).toHaveTextContent(owner.name)
    expect(within(you).getByText('Email').nextElementSibling).toHaveTextContent(owner.email)
    expect(within(you).getByText('Team').nextElementSibling).toHaveTextContent(owner.team)
    expect(within(you).getByText('Known by').nextElementSibling).toHaveTextContent('Server key')
    expect(within(you).getByText('Server mode').nextElementSibling).toHaveTextContent('Demo data')
  })

  it('says why a server that uses its own key has no sessions to sign out', async () => {
    await renderApp('/account')
    const sessions = await screen.findByRole('region', { name: 'Sessions' })
    expect(sessions).toHaveTextContent('nobody signs in and there are no sessions')
    expect(within(sessions).queryByRole('button', { name: 'Sign out everywhere' })).not.toBeInTheDocument()
    expect(within(sessions).queryByRole('table')).not.toBeInTheDocument()
  })
})
