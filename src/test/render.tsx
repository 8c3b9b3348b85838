import { createMemoryHistory } from '@tanstack/react-router'
import { render } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { App } from '../app'
import { createQueryClient } from '../query-client'
import { createAppRouter } from '../router'
import { type MountedFleetServer, mountFleetServer } from './fleet-server'
import { type MountedSimulator, mountSimulator } from './simulator'

export interface RenderOptions {
  /** Runs once the servers are mounted, before the first render: seed audit entries, set faults... */
  prepare?: (fleet: MountedFleetServer, simulator: MountedSimulator) => Promise<unknown> | undefined
}

/**
 * Renders the real route tree at `path` with a fresh QueryClient (no retries), a fresh simulator behind MSW, and the
 * server's own store-backed API (`/api/account*`, `/api/audit*`) over an in-memory store. Failures are asked of the
 * simulator (`simulator.setFaults`), never mocked here.
 */
export async function renderApp(
  path: string,
  { prepare, ...simulatorOptions }: Parameters<typeof mountSimulator>[0] & RenderOptions = {},
) {
  const mounted = mountSimulator(simulatorOptions)
  const fleet = await mountFleetServer(mounted.simulator, mounted.clock)
  await prepare?.(fleet, mounted)
  const queryClient = createQueryClient({ test: true })
  const history = createMemoryHistory({ initialEntries: [path] })
  const router = createAppRouter(queryClient, history)
  const user = userEvent.setup()
  const view = render(<App queryClient={queryClient} router={router} />)
  await router.load()
  return { ...view, ...mounted, fleet, user, router, queryClient, history }
}
