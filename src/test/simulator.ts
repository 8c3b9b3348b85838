/**
 * Mounts the embedded Paperspace simulator behind MSW for component tests: requests to /api/v1/* are answered by the
 * same simulator the server runs in demo mode, the way the server's proxy would forward them.
 */
import { HttpResponse, http } from 'msw'
import { createSimulator, FakeClock, type Simulator, type SimulatorOptions } from '../../server/simulator/simulator'
import { mswServer } from './msw-server'

const TEST_KEY = 'test-key'

export interface MountedSimulator {
  simulator: Simulator
  clock: FakeClock
  /** Requests the app made to /api/v1, in order, as "METHOD /path?query". */
  requests: string[]
}

export function mountSimulator(options: Omit<SimulatorOptions, 'clock' | 'apiKey'> = {}): MountedSimulator {
  const clock = new FakeClock(Date.parse('2026-11-28T12:00:00Z'))
  const simulator = createSimulator({ machines: 40, seed: 1, ...options, clock, apiKey: TEST_KEY })
  const requests: string[] = []

  mswServer.use(
    http.get('*/api/meta', () => HttpResponse.json({ mode: 'demo' })),
    http.all('*/api/v1/*', async ({ request }) => {
      const url = new URL(request.url)
      const path = url.pathname.replace(/^\/api\/v1/, '/v1')
      requests.push(`${request.method} ${path.replace(/^\/v1/, '')}${url.search}`)
      const headers = new Headers({ Authorization: `Bearer ${TEST_KEY}`, Accept: 'application/json' })
      const hasBody = request.method === 'POST' || request.method === 'PUT'
      if (hasBody) headers.set('Content-Type', 'application/json')
      const upstream = new Request(`http://simulator.test${path}${url.search}`, {
        method: request.method,
        headers,
        ...(hasBody ? { body: await request.text() } : {}),
      })
      return simulator.fetch(upstream)
    }),
  )
  return { simulator, clock, requests }
}
