import { createMemoryHistory } from '@tanstack/react-router'
import { render } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { App } from '../app'
import { createQueryClient } from '../query-client'
import { createAppRouter } from '../router'
import { mountSimulator } from './simulator'

/**
 * Renders the real route tree at `path` with a fresh QueryClient (no retries) and a fresh simulator behind MSW.
 * Failures are asked of the simulator (`simulator.setFaults`), never mocked here.
 */
export async function renderApp(path: string, simulatorOptions: Parameters<typeof mountSimulator>[0] = {}) {
  const mounted = mountSimulator(simulatorOptions)
  const queryClient = createQueryClient({ test: true })
  const history = createMemoryHistory({ initialEntries: [path] })
  const router = createAppRouter(queryClient, history)
  const user = userEvent.setup()
  const view = render(<App queryClient={queryClient} router={router} />)
  await router.load()
  return { ...view, ...mounted, user, router, queryClient, history }
}
