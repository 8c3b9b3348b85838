import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { machineKeys } from '../../api/machines'
import { renderApp } from '../../test/render'
import { GOOD_KEY, renderSignInApp } from '../../test/render-sign-in'

type App = Awaited<ReturnType<typeof renderSignInApp>>

const keyField = () => screen.getByLabelText('API key') as HTMLInputElement
const signInButton = () => screen.getByRole('button', { name: 'Sign in' })
const mainNav = () => screen.queryByRole('navigation', { name: 'Main' })

async function signInWith(app: App, key: string) {
  await app.user.clear(keyField())
  if (key) await app.user.paste(key)
  await app.user.click(signInButton())
}

async function onSignInPage() {
  await screen.findByRole('heading', { name: 'Sign in', level: 1 })
}

describe('sign-in mode', () => {
  it('sends a visitor without a session to the sign-in page, then back where they were going', async () => {
    const app = await renderSignInApp('/machines?state=off')
    await onSignInPage()
    expect(app.router.state.location.pathname).toBe('/sign-in')
    expect(app.router.state.location.search).toEqual({ redirect: '/machines?state=off' })
    // Nothing was asked of the API only to be refused, and there is nowhere else to go yet.
    expect(app.server.refused).toEqual([])
    expect(mainNav()).not.toBeInTheDocument()
    expect(keyField()).toHaveAttribute('type', 'password')

    await signInWith(app, GOOD_KEY)
    await screen.findByRole('heading', { name: 'Machines', level: 1 })
    expect(app.router.state.location.href).toBe('/machines?state=off')
    expect(screen.getByRole('combobox', { name: 'State' })).toHaveValue('off')
    expect(mainNav()).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument()
    expect(app.server.sessionCalls).toEqual(['POST'])
  })

  it('rejects an empty or malformed key inline, before any request', async () => {
    const app = await renderSignInApp('/sign-in')
    await onSignInPage()

    await signInWith(app, '')
    expect(screen.getByRole('alert')).toHaveTextContent('Paste your Paperspace API key.')
    expect(keyField()).toHaveAttribute('aria-invalid', 'true')
    expect(keyField()).toHaveFocus()

    await signInWith(app, 'two words')
    expect(screen.getByRole('alert')).toHaveTextContent('An API key has no spaces or line breaks')

    await signInWith(app, 'k'.repeat(600))
    expect(screen.getByRole('alert')).toHaveTextContent('longer than any API key')

    await signInWith(app, 'clé-invalide')
    expect(screen.getByRole('alert')).toHaveTextContent('letters, digits and punctuation only')

    expect(app.server.sessionCalls).toEqual([])
    // Typing again clears the complaint.
    await app.user.type(keyField(), 'x')
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
    expect(keyField()).not.toHaveAttribute('aria-invalid')
  })

  it('says clearly when Paperspace refuses the key, and keeps no copy of it', async () => {
    const app = await renderSignInApp('/sign-in')
    await onSignInPage()
    await signInWith(app, 'not-the-right-key')
    expect(await screen.findByRole('alert')).toHaveTextContent('Paperspace did not accept this API key.')
    expect(keyField()).toHaveValue('')
    expect(keyField()).toHaveFocus()
    expect(app.server.sessionCalls).toEqual(['POST'])
    expect(app.router.state.location.pathname).toBe('/sign-in')

    // Surrounding blanks from a copy and paste are fine.
    await signInWith(app, `  ${GOOD_KEY}\n`)
    await screen.findByRole('heading', { name: 'Machines', level: 1 })
  })

  it('says so when Paperspace cannot be reached to check the key', async () => {
    const app = await renderSignInApp('/sign-in')
    await onSignInPage()
    app.simulator.setFaults([{ kind: 'error', status: 503, operations: ['listMachines'] }])
    await signInWith(app, GOOD_KEY)
    expect(await screen.findByRole('alert')).toHaveTextContent("Can't reach Paperspace to check the key.")
    expect(signInButton()).toBeEnabled()
  })

  it('shows the sign-in page when the session ends mid-use, and starts afresh after signing in again', async () => {
    const app = await renderSignInApp('/machines?q=train', { signedIn: true })
    await screen.findByRole('heading', { name: 'Machines', level: 1 })
    const earlier = ['events', 'detail', 'from-the-last-session']
    app.queryClient.setQueryData(earlier, { id: 'from-the-last-session' })

    // The server forgets the session (expired, or signed out elsewhere); the next poll is refused.
    app.server.signedIn = false
    await act(() => app.queryClient.invalidateQueries({ queryKey: machineKeys.fleet() }))
    await onSignInPage()
    expect(app.router.state.location.search).toEqual({ redirect: '/machines?q=train' })
    expect(app.server.refused).toEqual(['GET /machines?limit=120'])
    expect(mainNav()).not.toBeInTheDocument()

    const lists = app.requests.filter((r) => r.startsWith('GET /machines?')).length
    await signInWith(app, GOOD_KEY)
    await screen.findByRole('heading', { name: 'Machines', level: 1 })
    expect(screen.getByRole('searchbox', { name: 'Filter machines' })).toHaveValue('train')
    // Nothing fetched under the old session survives: the list is asked for again.
    expect(app.queryClient.getQueryData(earlier)).toBeUndefined()
    expect(app.requests.filter((r) => r.startsWith('GET /machines?')).length).toBe(lists + 1)
  })

  it('signs out: the session and every answer fetched under it are gone', async () => {
    const app = await renderSignInApp('/machines', { signedIn: true })
    await screen.findByRole('heading', { name: 'Machines', level: 1 })
    expect(app.queryClient.getQueryData(machineKeys.fleet())).toBeDefined()

    await app.user.click(screen.getByRole('button', { name: 'Sign out' }))
    await onSignInPage()
    expect(app.server.sessionCalls).toEqual(['DELETE'])
    expect(app.server.signedIn).toBe(false)
    expect(app.queryClient.getQueryData(machineKeys.fleet())).toBeUndefined()
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument()

    // Back to a page by hand: the sign-in page again, not a page of refusals.
    await act(() => app.router.navigate({ to: '/events' }))
    await onSignInPage()
    expect(app.router.state.location.search).toEqual({ redirect: '/events' })
    expect(app.server.refused).toEqual([])
  })

  it('goes only to a page of this app after signing in', async () => {
    const app = await renderSignInApp(`/sign-in?redirect=${encodeURIComponent('//evil.example/steal')}`)
    await onSignInPage()
    await signInWith(app, GOOD_KEY)
    await screen.findByRole('heading', { name: 'Machines', level: 1 })
    expect(app.router.state.location.href).toBe('/machines')
  })
})

describe('sign-in page outside sign-in mode', () => {
  it('is skipped: there is nothing to sign in to, so the person goes on', async () => {
    const app = await renderApp('/sign-in?redirect=%2Fevents')
    await screen.findByRole('heading', { name: 'Events', level: 1 })
    expect(app.router.state.location.pathname).toBe('/events')
    const header = screen.getByRole('banner')
    expect(within(header).queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument()
  })
})
