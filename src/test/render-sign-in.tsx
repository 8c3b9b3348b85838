/**
 * Renders the app against a server in signin mode (PAPERSPACE_AUTH=signin): /api/meta says so, POST and DELETE
 * /auth/session open and close the session, and /api/v1/* answers 401 SIGNED_OUT without one. Whether a key is
 * good is asked of the simulator, as the server asks Paperspace. Otherwise like `renderApp`.
 */
import { createMemoryHistory } from '@tanstack/react-router'
import { render } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { HttpResponse, http } from 'msw'
import { App } from '../app'
import { createQueryClient } from '../query-client'
import { createAppRouter } from '../router'
import { mountFleetServer } from './fleet-server'
import { mswServer } from './msw-server'
import { mountSimulator } from './simulator'

/** The key the simulator accepts (src/test/simulator.ts). */
export const GOOD_KEY = 'test-key'

export interface SignInServer {
  signedIn: boolean
  /** Every call to /auth/session, as "METHOD", in order. */
  readonly sessionCalls: string[]
  /** API requests refused for want of a session. */
  readonly refused: string[]
}

function mountSignInServer(simulator: ReturnType<typeof mountSimulator>['simulator'], signedIn: boolean) {
  const server: SignInServer = { signedIn, sessionCalls: [], refused: [] }
  const json = (status: number, code: string, message: string) => HttpResponse.json({ code, message }, { status })
  mswServer.use(
    http.get('*/api/meta', () => HttpResponse.json({ mode: 'signin', signedIn: server.signedIn })),
    http.post('*/auth/session', async ({ request }) => {
      server.sessionCalls.push('POST')
      if (request.headers.get('X-CSRF') !== '1') return json(403, 'CSRF', 'Cross-site request refused.')
      const body = (await request.json().catch(() => null)) as { apiKey?: unknown } | null
      if (typeof body?.apiKey !== 'string' || body.apiKey === '') return json(400, 'BAD_REQUEST', 'apiKey is required.')
      const probe = await simulator.fetch(
        new Request('http://simulator.test/v1/machines?limit=1', {
          headers: { Authorization: `Bearer ${body.apiKey}`, Accept: 'application/json' },
        }),
      )
      if (probe.status === 401) return json(401, 'INVALID_KEY', 'Paperspace did not accept this API key.')
      if (!probe.ok) return json(502, 'UPSTREAM_UNAVAILABLE', "Can't reach Paperspace to check the key.")
      server.signedIn = true
      return new HttpResponse(null, { status: 204 })
    }),
    http.delete('*/auth/session', ({ request }) => {
      server.sessionCalls.push('DELETE')
      if (request.headers.get('X-CSRF') !== '1') return json(403, 'CSRF', 'Cross-site request refused.')
      server.signedIn = false
      return new HttpResponse(null, { status: 204 })
    }),
    // With a session, the request goes on to the simulator (the next handler).
    http.all('*/api/v1/*', ({ request }) => {
      if (server.signedIn) return undefined
      const url = new URL(request.url)
      server.refused.push(`${request.method} ${url.pathname.replace(/^\/api\/v1/, '')}${url.search}`)
      return json(401, 'SIGNED_OUT', 'Sign in to continue.')
    }),
  )
  return server
}

export async function renderSignInApp(
  path: string,
  { signedIn = false, ...simulatorOptions }: Parameters<typeof mountSimulator>[0] & { signedIn?: boolean } = {},
) {
  const mounted = mountSimulator(simulatorOptions)
  await mountFleetServer(mounted.simulator, mounted.clock)
  const server = mountSignInServer(mounted.simulator, signedIn)
  const queryClient = createQueryClient({ test: true })
  const history = createMemoryHistory({ initialEntries: [path] })
  const router = createAppRouter(queryClient, history)
  const user = userEvent.setup()
  const view = render(<App queryClient={queryClient} router={router} />)
  await router.load()
  return { ...view, ...mounted, server, user, router, queryClient, history }
}
