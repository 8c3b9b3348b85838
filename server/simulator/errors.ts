/** A refusal by the simulator's rules, carrying the HTTP status and the `{ code, message }` body it maps to. */
export class SimError extends Error {
  readonly status: number
  readonly code: string

  constructor(status: number, code: string, message: string) {
    super(message)
    this.name = 'SimError'
    this.status = status
    this.code = code
  }
}

/** The `code` sent with each status; the live service answers with these statuses. */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST'
    case 401:
      return 'UNAUTHORIZED'
    case 403:
      return 'FORBIDDEN'
    case 404:
      return 'NOT_FOUND'
    case 405:
      return 'METHOD_NOT_ALLOWED'
    case 408:
      return 'TIMEOUT'
    case 409:
      return 'CONFLICT'
    case 412:
      return 'PRECONDITION_FAILED'
    case 413:
      return 'PAYLOAD_TOO_LARGE'
    case 429:
      return 'RATE_LIMITED'
    case 502:
      return 'BAD_GATEWAY'
    case 503:
      return 'UNAVAILABLE'
    case 504:
      return 'GATEWAY_TIMEOUT'
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'
  }
}

export const badRequest = (message: string) => new SimError(400, 'BAD_REQUEST', message)
export const notFound = (message: string) => new SimError(404, 'NOT_FOUND', message)
export const conflict = (message: string) => new SimError(409, 'CONFLICT', message)
