// What the proxy records of the calls that change something, or read a desktop's credentials: the entry is written
// before the call goes upstream and completed with its outcome after, through the store's audit module.
import type { FastifyRequest } from 'fastify'
import {
  type Actor,
  type AuditAction,
  type AuditResult,
  beginAudit,
  completeAudit,
  lastKnownMachineName,
} from './store/audit'
import type { Store } from './store/open'

/** The contract operations that leave an audit entry, and as what. Reads are not audited, but for credentials. */
export const AUDITED_OPERATIONS: Readonly<Record<string, AuditAction>> = {
  createMachine: 'create',
  updateMachine: 'update',
  deleteMachine: 'delete',
  startMachine: 'start',
  stopMachine: 'stop',
  restartMachine: 'restart',
  grantMachineAccess: 'grant',
  revokeMachineAccess: 'revoke',
  getMachineDesktop: 'desktop-read',
}

/** An upstream answer as the proxy will send it, or one of its own errors. */
export interface AnswerForAudit {
  status: number
  body: Buffer
  error?: { readonly code: string; readonly message: string } | undefined
}

export interface AuditHandle {
  /** Records the answer; never throws (a failure to write is logged). */
  complete(answer: AnswerForAudit): Promise<void>
}

export interface AuditTrail {
  /** Writes the pending entry; null for operations that are not audited. Throws when the store cannot write. */
  begin(request: FastifyRequest, operationId: string): Promise<AuditHandle | null>
}

export interface AuditTrailOptions {
  store: Store
  now: () => number
  /** Who acts for this request (the proxy has already accepted its credential). */
  actorFor(request: FastifyRequest): Actor | Promise<Actor>
}

export function createAuditTrail({ store, now, actorFor }: AuditTrailOptions): AuditTrail {
  return {
    async begin(request, operationId) {
      const action = AUDITED_OPERATIONS[operationId]
      if (action === undefined) return null
      const params = (request.params ?? {}) as { id?: string; userId?: string }
      const machineId = operationId === 'createMachine' ? null : (params.id ?? null)
      const [actor, knownName] = await Promise.all([
        actorFor(request),
        machineId === null ? null : lastKnownMachineName(store.db, machineId),
      ])
      const body = request.body as Record<string, unknown> | undefined
      const id = await beginAudit(store.db, {
        at: new Date(now()),
        actor,
        action,
        machineId,
        machineName: knownName ?? (action === 'create' ? text(body?.name) : null),
        summary: summarize(action, body, params),
      })
      return {
        async complete(answer) {
          try {
            await completeAudit(store.db, id, resultOf(answer, new Date(now())))
          } catch (error) {
            request.log.error({ err: error }, 'could not complete an audit entry')
          }
        },
      }
    },
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)

/** Fields of a create or update body named in the summary; anything else is only counted. */
const SUMMARY_FIELDS = [
  'name',
  'machineType',
  'region',
  'templateId',
  'diskSize',
  'publicIpType',
  'startOnCreate',
  'takeInitialSnapshot',
  'autoShutdownEnabled',
  'autoShutdownTimeout',
  'autoShutdownForce',
  'autoSnapshotEnabled',
  'autoSnapshotFrequency',
  'restorePointEnabled',
] as const

/** What was asked, in words. Values are cut short; nothing that could be a secret (passwords, scripts) is named. */
export function summarize(
  action: AuditAction,
  body: Record<string, unknown> | undefined,
  params: { userId?: string },
): string {
  const fields = () => {
    const named = SUMMARY_FIELDS.filter((field) => body?.[field] !== undefined).map(
      (field) => `${field} ${JSON.stringify(body?.[field]).slice(0, 80)}`,
    )
    const accessors = Array.isArray(body?.accessorIds) ? body.accessorIds.length : 0
    if (accessors > 0) named.push(`access for ${accessors} ${accessors === 1 ? 'person' : 'people'}`)
    const others = Object.keys(body ?? {}).filter(
      (field) => !(SUMMARY_FIELDS as readonly string[]).includes(field) && field !== 'accessorIds',
    ).length
    if (others > 0) named.push(`${others} other ${others === 1 ? 'setting' : 'settings'}`)
    return named.join(', ')
  }
  switch (action) {
    case 'start':
      return 'Start the machine'
    case 'stop':
      return 'Stop the machine'
    case 'restart':
      return 'Restart the machine'
    case 'delete':
      return 'Delete the machine'
    case 'create':
      return `Create a machine: ${fields()}`
    case 'update':
      return `Change ${fields() || 'nothing'}`
    case 'grant':
      return `Grant access to user ${text(body?.userId) ?? text(body?.email) ?? 'unknown'}`
    case 'revoke':
      return `Revoke access of user ${params.userId ?? 'unknown'}`
    case 'desktop-read':
      return 'Read the desktop connection details'
    default:
      return action
  }
}

/** The outcome, and what the answer says of the machine and its event (both dialects). */
function resultOf(answer: AnswerForAudit, at: Date): AuditResult {
  const ok = answer.status >= 200 && answer.status < 300 && answer.error === undefined
  let parsed: Record<string, unknown> | undefined
  if (answer.body.length > 0 && answer.body.length < 1_000_000) {
    try {
      const value: unknown = JSON.parse(answer.body.toString('utf8'))
      if (typeof value === 'object' && value !== null) parsed = value as Record<string, unknown>
    } catch {
      // Not JSON: nothing more to learn.
    }
  }
  if (!ok) {
    return {
      at,
      outcome: 'failed',
      status: answer.status,
      message: answer.error?.message ?? text(parsed?.message) ?? `HTTP ${answer.status}`,
    }
  }
  // Live answers are `{event, data}`; contract answers are the machine itself (or an accessor, or nothing).
  const event = parsed?.event as Record<string, unknown> | undefined
  const machine = (parsed?.data ?? parsed) as Record<string, unknown> | undefined
  const isMachine = typeof machine?.id === 'string' && typeof machine?.machineType === 'string'
  return {
    at,
    outcome: 'ok',
    status: answer.status,
    message: null,
    eventId: text(event?.id),
    machineId: isMachine ? text(machine?.id) : null,
    machineName: isMachine ? text(machine?.name) : null,
  }
}
