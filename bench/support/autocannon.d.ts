// The parts of autocannon's programmatic API the benchmarks use (the package ships no type declarations).
declare module 'autocannon' {
  interface AutocannonRequest {
    method?: string
    path?: string
    headers?: Record<string, string>
    setupRequest?: (request: { path: string }, context: Record<string, unknown>) => { path: string }
  }
  interface AutocannonOptions {
    url: string
    connections?: number
    duration?: number
    timeout?: number
    headers?: Record<string, string>
    requests?: AutocannonRequest[]
  }
  interface AutocannonHistogram {
    average: number
    p50: number
    p90: number
    p99: number
    max: number
  }
  interface AutocannonResult {
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
    requests: AutocannonHistogram & { total: number; sent: number }
    latency: AutocannonHistogram
  }
  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>
  export default autocannon
  export type { AutocannonOptions, AutocannonResult }
}
