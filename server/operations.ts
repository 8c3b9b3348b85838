// The allowlist of upstream operations: exactly the 16 method + path pairs of the contract
// (openapi/paperspace-machines.yml) and the two reads beyond it that the dashboard uses, who the key belongs to and
// the team's people (openapi/paperspace-extras.yml). Nothing else is ever forwarded to Paperspace.
// `operations.test.ts` checks this list against both files.

export type OperationMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface Operation {
  readonly operationId: string
  readonly method: OperationMethod
  /** Path relative to the API base, with `{param}` placeholders, as written in the contract. */
  readonly pattern: string
  /** Whether the request carries a JSON body that is forwarded upstream. */
  readonly hasBody: boolean
}

/** Every path parameter (machine, user, event and team ids) must match this before anything is forwarded. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export const operations: readonly Operation[] = [
  { operationId: 'listMachines', method: 'GET', pattern: '/machines', hasBody: false },
  { operationId: 'createMachine', method: 'POST', pattern: '/machines', hasBody: true },
  { operationId: 'getMachine', method: 'GET', pattern: '/machines/{id}', hasBody: false },
  { operationId: 'updateMachine', method: 'PUT', pattern: '/machines/{id}', hasBody: true },
  { operationId: 'deleteMachine', method: 'DELETE', pattern: '/machines/{id}', hasBody: false },
  { operationId: 'startMachine', method: 'PATCH', pattern: '/machines/{id}/start', hasBody: false },
  { operationId: 'stopMachine', method: 'PATCH', pattern: '/machines/{id}/stop', hasBody: false },
  { operationId: 'restartMachine', method: 'PATCH', pattern: '/machines/{id}/restart', hasBody: false },
  { operationId: 'listMachineAccessors', method: 'GET', pattern: '/machines/{id}/accessors', hasBody: false },
  { operationId: 'grantMachineAccess', method: 'POST', pattern: '/machines/{id}/accessors', hasBody: true },
  { operationId: 'getMachineAccessor', method: 'GET', pattern: '/machines/{id}/accessors/{userId}', hasBody: false },
  {
    operationId: 'revokeMachineAccess',
    method: 'DELETE',
    pattern: '/machines/{id}/accessors/{userId}',
    hasBody: false,
  },
  { operationId: 'getMachineDesktop', method: 'GET', pattern: '/machines/{id}/desktop', hasBody: false },
  { operationId: 'listMachineEvents', method: 'GET', pattern: '/machine-events', hasBody: false },
  { operationId: 'getMachineEvent', method: 'GET', pattern: '/machine-events/{id}', hasBody: false },
  { operationId: 'getMachineAvailability', method: 'GET', pattern: '/machine-availability', hasBody: false },
  // Beyond the contract: reads only.
  { operationId: 'getAuthSession', method: 'GET', pattern: '/auth/session', hasBody: false },
  { operationId: 'listTeamUsers', method: 'GET', pattern: '/teams/{teamId}/users', hasBody: false },
]

/** The methods the server understands at all; anything else (TRACE, CONNECT, QUERY, WebDAV...) is refused. */
export const KNOWN_METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * Turns a contract pattern into a Fastify route path whose parameters only match `ID_PATTERN`, so the
 * router (find-my-way, a precompiled radix tree) does the id validation: `/machines/{id}` becomes
 * `/machines/:id(^[A-Za-z0-9_-]{1,64}$)`.
 */
export function toRoutePath(pattern: string): string {
  return pattern.replace(/\{(\w+)\}/g, (_match, name: string) => `:${name}(${ID_PATTERN.source})`)
}

/** Allowlisted patterns with the methods each one allows, in the order of the list. */
export function methodsByPattern(): Map<string, OperationMethod[]> {
  const byPattern = new Map<string, OperationMethod[]>()
  for (const operation of operations) {
    const methods = byPattern.get(operation.pattern) ?? []
    methods.push(operation.method)
    byPattern.set(operation.pattern, methods)
  }
  return byPattern
}
