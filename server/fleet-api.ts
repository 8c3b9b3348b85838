// The server's own API beside the proxy (openapi/fleet-api.yml): who is acting (`/api/account`), the signed-in
// person's sessions, and the audit trail. Handlers parse and answer; the store's modules do the SQL.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendError } from './errors'
import type { KeyOwner, Person, TeamInfo } from './identity'
import { ID_PATTERN } from './operations'
import type { Sessions } from './session'
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  type AuditAction,
  type AuditEntry,
  type AuditFilters,
  type AuditOutcome,
  BadCursorError,
  listAudit,
} from './store/audit'
import type { Store } from './store/open'
import { listOpenSessions } from './store/sessions'

export type ServerMode = 'demo' | 'live' | 'signin'

export interface FleetApiOptions {
  mode: ServerMode
  store: Store
  now: () => number
  /** The request's Paperspace key, or null when signed out (answers 401). */
  credentialFor(request: FastifyRequest): string | null | Promise<string | null>
  /** Sign-in mode's sessions; undefined in the other modes. */
  sessions?: Sessions
  /** Outside sign-in mode: who owns the server's key (and so the team), and the SSO proxy's person if any. */
  keyOwner?: () => Promise<KeyOwner | null>
  ssoPersonOf?: (request: FastifyRequest) => Person | null
}

const DEFAULT_PAGE = 50
const MAX_PAGE = 200
/** Rows read at a time for the CSV export. */
const EXPORT_BATCH = 500
const EXPORT_COLUMNS = [
  'time',
  'actor',
  'actor email',
  'via',
  'on behalf of',
  'action',
  'machine id',
  'machine name',
  'summary',
  'outcome',
  'status',
  'message',
  'event id',
]

export async function registerFleetApi(app: FastifyInstance, options: FleetApiOptions): Promise<void> {
  const { store, sessions, mode } = options

  /** The request's credential, or a 401 already sent (false). */
  const signedIn = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if ((await options.credentialFor(request)) !== null) return true
    sendError(reply, 401, 'SIGNED_OUT', 'Sign in with your Paperspace API key.')
    return false
  }

  await app.register(async (scope) => {
    // None of these take a body; anything sent is dropped.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 4096 }, (_request, _body, done) => done(null))

    scope.get('/api/account', { exposeHeadRoute: false }, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      if (sessions !== undefined) {
        const session = sessions.sessionOf(request)
        return {
          mode,
          via: 'signin',
          user: session && person(session.userId, session.email, session.name),
          team: session?.teamId ? { id: session.teamId, name: session.teamName } : null,
          sessionId: session?.id ?? null,
        }
      }
      const owner = (await options.keyOwner?.()) ?? null
      const sso = options.ssoPersonOf?.(request) ?? null
      return {
        mode,
        via: sso === null ? 'server-key' : 'sso',
        user: sso ?? owner?.user ?? null,
        team: teamOf(owner?.team ?? null),
        sessionId: null,
      }
    })

    scope.get('/api/account/sessions', { exposeHeadRoute: false }, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      if (sessions === undefined) return noSessions(reply)
      const current = sessions.sessionOf(request)
      if (current === null) return { items: [] }
      const open =
        current.userId === null ? [current] : await listOpenSessions(store.db, current.userId, new Date(options.now()))
      return {
        items: open.map((session) => ({
          id: session.id,
          startedAt: session.startedAt,
          lastSeenAt: session.lastSeenAt,
          expiresAt: session.expiresAt,
          userAgent: session.userAgent,
          current: session.id === current.id,
        })),
      }
    })

    scope.delete('/api/account/sessions', async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      if (sessions === undefined) return noSessions(reply)
      const current = sessions.sessionOf(request)
      if (current !== null) {
        if (current.userId === null) await sessions.revoke(current.id, null)
        else await sessions.revokeAll(current.userId)
      }
      return reply.code(204).send()
    })

    scope.delete<{ Params: { id: string } }>(
      `/api/account/sessions/:id(${ID_PATTERN.source})`,
      async (request, reply) => {
        if (!(await signedIn(request, reply))) return reply
        if (sessions === undefined) return noSessions(reply)
        const current = sessions.sessionOf(request)
        const ended = current !== null && (await sessions.revoke(request.params.id, current.userId))
        if (!ended) return sendError(reply, 404, 'NOT_FOUND', 'You have no open session with this id.')
        return reply.code(204).send()
      },
    )

    scope.get('/api/audit', { exposeHeadRoute: false }, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      const query = request.query as Record<string, unknown>
      const parsed = parseAuditQuery(query, true)
      if (typeof parsed === 'string') return sendError(reply, 400, 'BAD_REQUEST', parsed)
      try {
        return await listAudit(store.db, parsed.filters, { limit: parsed.limit, after: parsed.after })
      } catch (error) {
        if (error instanceof BadCursorError) return sendError(reply, 400, 'BAD_REQUEST', error.message)
        throw error
      }
    })

    scope.get('/api/audit/export', { exposeHeadRoute: false }, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      const parsed = parseAuditQuery(request.query as Record<string, unknown>, false)
      if (typeof parsed === 'string') return sendError(reply, 400, 'BAD_REQUEST', parsed)
      const lines = [EXPORT_COLUMNS.join(',')]
      let after: string | undefined
      do {
        const page = await listAudit(store.db, parsed.filters, { limit: EXPORT_BATCH, after })
        for (const entry of page.items) lines.push(csvRow(entry))
        after = page.nextPage ?? undefined
      } while (after !== undefined)
      const stamp = new Date(options.now()).toISOString().slice(0, 10)
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
        .send(`${lines.join('\r\n')}\r\n`)
    })
  })
}

function noSessions(reply: FastifyReply) {
  return sendError(
    reply,
    404,
    'NOT_FOUND',
    'This server does not use sign-in sessions: it acts with its own key (PAPERSPACE_AUTH=signin enables them).',
  )
}

function person(id: string | null, email: string | null, name: string | null): Person {
  return { id, email, name }
}

function teamOf(team: TeamInfo | null) {
  return team === null ? null : { id: team.id, name: team.name }
}

interface AuditQuery {
  filters: AuditFilters
  limit: number
  after: string | undefined
}

const KNOWN_AUDIT_PARAMS = new Set(['actor', 'action', 'machineId', 'outcome', 'from', 'to', 'after', 'limit'])

/** The audit filters of a query string, or a message naming the parameter that is wrong. */
export function parseAuditQuery(query: Record<string, unknown>, paged: boolean): AuditQuery | string {
  for (const name of Object.keys(query)) {
    if (!KNOWN_AUDIT_PARAMS.has(name) || (!paged && (name === 'after' || name === 'limit'))) {
      return `Unknown query parameter "${name}".`
    }
  }
  const one = (name: string): string | undefined => {
    const value = query[name]
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  for (const name of Object.keys(query)) {
    if (typeof query[name] !== 'string') return `The query parameter "${name}" is given more than once.`
  }
  const filters: AuditFilters = {}
  const actor = one('actor')
  if (actor !== undefined) {
    if (actor.length > 200) return 'actor is at most 200 characters.'
    filters.actor = actor
  }
  const action = one('action')
  if (action !== undefined) {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(action)) {
      return `action must be one of ${AUDIT_ACTIONS.join(', ')}.`
    }
    filters.action = action as AuditAction
  }
  const machineId = one('machineId')
  if (machineId !== undefined) {
    if (!ID_PATTERN.test(machineId)) return 'machineId is 1 to 64 letters, digits, "-" or "_".'
    filters.machineId = machineId
  }
  const outcome = one('outcome')
  if (outcome !== undefined) {
    if (!(AUDIT_OUTCOMES as readonly string[]).includes(outcome)) {
      return `outcome must be one of ${AUDIT_OUTCOMES.join(', ')}.`
    }
    filters.outcome = outcome as AuditOutcome
  }
  for (const name of ['from', 'to'] as const) {
    const raw = one(name)
    if (raw === undefined) continue
    const time = parseTime(raw, name === 'to')
    if (time === undefined) return `${name} must be a date (2026-11-28) or a date and time (2026-11-28T12:00:00Z).`
    filters[name] = time
  }
  if (filters.from && filters.to && filters.from >= filters.to) return 'from must be before to.'
  let limit = DEFAULT_PAGE
  const rawLimit = one('limit')
  if (rawLimit !== undefined) {
    limit = Number(rawLimit)
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > MAX_PAGE)
      return `limit is a whole number from 1 to ${MAX_PAGE}.`
  }
  const after = one('after')
  if (after !== undefined && after.length > 200) return 'after is not a cursor this server gave out.'
  return { filters, limit, after }
}

/** A date means its start (`from`) or the start of the next day (`to`, so that the day is included), in UTC. */
function parseTime(raw: string, endOfDay: boolean): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const start = Date.parse(`${raw}T00:00:00Z`)
    if (Number.isNaN(start)) return undefined
    return new Date(endOfDay ? start + 86_400_000 : start)
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/.test(raw)) return undefined
  const time = Date.parse(raw)
  return Number.isNaN(time) ? undefined : new Date(time)
}

/** RFC 4180 field; cells that a spreadsheet would run as a formula are prefixed with a quote. */
function csvField(value: string | number | null): string {
  if (value === null) return ''
  let text = String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

function csvRow(entry: AuditEntry): string {
  return [
    entry.at,
    entry.actor.name ?? entry.actor.id,
    entry.actor.email,
    entry.actor.via,
    entry.actor.onBehalfOf,
    entry.action,
    entry.machineId,
    entry.machineName,
    entry.summary,
    entry.outcome,
    entry.status,
    entry.message,
    entry.eventId,
  ]
    .map(csvField)
    .join(',')
}
