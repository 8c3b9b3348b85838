import { QueryClientProvider } from '@tanstack/react-query'
import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  Outlet,
  RouterProvider,
} from '@tanstack/react-router'
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../api/client'
import { createQueryClient } from '../query-client'
import { createAppRouter } from '../router'
import { RouteError } from './route-error'

let failure: Error | null = null

function Fragile() {
  if (failure) throw failure
  return <h1>Machines</h1>
}

/** A page that crashes inside a shell, with the app's default error component. */
async function renderCrashingRoute() {
  const root = createRootRoute({
    component: () => (
      <>
        <nav aria-label="Main">Shell</nav>
        <Outlet />
      </>
    ),
  })
  const page = createRoute({ getParentRoute: () => root, path: '/', component: Fragile })
  const router = createRouter({
    routeTree: root.addChildren([page]),
    history: createMemoryHistory({ initialEntries: ['/'] }),
    defaultErrorComponent: RouteError,
  })
  render(
    <QueryClientProvider client={createQueryClient({ test: true })}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  )
  await router.load()
  return router
}

afterEach(() => {
  failure = null
  vi.restoreAllMocks()
})

describe('RouteError', () => {
  it('is every route’s fallback in the app', () => {
    expect(createAppRouter(createQueryClient({ test: true })).options.defaultErrorComponent).toBe(RouteError)
  })

  it('turns a crashing page into an error card with Retry, inside the shell, and Retry recovers', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    failure = new Error('The machine list had an unexpected shape.')
    await renderCrashingRoute()
    expect(await screen.findByRole('alert')).toHaveTextContent('This page could not be shown')
    expect(screen.getByRole('alert')).toHaveTextContent('The machine list had an unexpected shape.')
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument()

    failure = null
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }))
    expect(await screen.findByRole('heading', { name: 'Machines' })).toBeInTheDocument()
  })

  it('says the session ended, with a way to sign in, when a page was refused for that', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    failure = new ApiError(401, 'SIGNED_OUT', 'Sign in to continue.')
    await renderCrashingRoute()
    expect(await screen.findByRole('heading', { name: 'Signed out' })).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/sign-in?redirect=%2F')
  })
})
