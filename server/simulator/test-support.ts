// Shared by the simulator's tests: a simulator on a fake clock and a terse way to call it.
import { FakeClock } from './clock'
import { createSimulator, type Simulator, type SimulatorOptions } from './simulator'

export interface Reply {
  status: number
  headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected field by field
  body: any
  text: string
}

export interface TestApi {
  sim: Simulator
  clock: FakeClock
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>
}

export const BASE_URL = 'http://simulator.test/v1'

export async function send(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: 'Bearer test-key' },
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
    ;(init.headers as Record<string, string>)['content-type'] = 'application/json'
  }
  const response = await sim.fetch(new Request(`${BASE_URL}${path}`, init))
  const text = await response.text()
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false
  return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : undefined, text }
}

export function testApi(options: SimulatorOptions = {}): TestApi {
  const clock = new FakeClock()
  const sim = createSimulator({ clock, ...options })
  return { sim, clock, call: (method, path, body, headers) => send(sim, method, path, body, headers) }
}

export const SECOND = 1_000
