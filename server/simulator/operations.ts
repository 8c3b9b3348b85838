/** The contract's sixteen operations: id, method and path (Hono syntax, relative to the base path). */
export const OPERATIONS = [
  { id: 'listMachines', method: 'GET', path: '/machines' },
  { id: 'createMachine', method: 'POST', path: '/machines' },
  { id: 'getMachine', method: 'GET', path: '/machines/:id' },
  { id: 'updateMachine', method: 'PUT', path: '/machines/:id' },
  { id: 'deleteMachine', method: 'DELETE', path: '/machines/:id' },
  { id: 'startMachine', method: 'PATCH', path: '/machines/:id/start' },
  { id: 'stopMachine', method: 'PATCH', path: '/machines/:id/stop' },
  { id: 'restartMachine', method: 'PATCH', path: '/machines/:id/restart' },
  { id: 'listMachineAccessors', method: 'GET', path: '/machines/:id/accessors' },
  { id: 'grantMachineAccess', method: 'POST', path: '/machines/:id/accessors' },
  { id: 'getMachineAccessor', method: 'GET', path: '/machines/:id/accessors/:userId' },
  { id: 'revokeMachineAccess', method: 'DELETE', path: '/machines/:id/accessors/:userId' },
  { id: 'getMachineDesktop', method: 'GET', path: '/machines/:id/desktop' },
  { id: 'listMachineEvents', method: 'GET', path: '/machine-events' },
  { id: 'getMachineEvent', method: 'GET', path: '/machine-events/:id' },
  { id: 'getMachineAvailability', method: 'GET', path: '/machine-availability' },
] as const

export type OperationId = (typeof OPERATIONS)[number]['id']

/**
 * Reads of the live v1 service beyond the contract (openapi/paperspace-extras.yml): who the key belongs to and the
 * team's people. Both dialects answer them alike.
 */
export const EXTRA_OPERATIONS = [
  { id: 'getAuthSession', method: 'GET', path: '/auth/session' },
  { id: 'listTeamUsers', method: 'GET', path: '/teams/:teamId/users' },
] as const

export type ExtraOperationId = (typeof EXTRA_OPERATIONS)[number]['id']

/** Every operation the simulator answers, the contract's and the extra reads (fault rules may name any of them). */
export const OPERATION_IDS: readonly (OperationId | ExtraOperationId)[] = [...OPERATIONS, ...EXTRA_OPERATIONS].map(
  (operation) => operation.id,
)

export const isOperationId = (value: string): value is OperationId | ExtraOperationId =>
  (OPERATION_IDS as readonly string[]).includes(value)
