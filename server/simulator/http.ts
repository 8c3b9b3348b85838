// The HTTP adapter: routes, query and body parsing, auth, faults, and mapping rule results and refusals to
// responses. Every rule lives in the plain modules it calls.
import { type Context, Hono } from 'hono'
import * as accessors from './accessors'
import { getAvailability } from './availability'
import { contractDialect, type Dialect, type Reply } from './contract-dialect'
import { getDesktop } from './desktop'
import { badRequest, codeForStatus, SimError } from './errors'
import * as events from './events'
import type { FaultInjector, FaultOutcome } from './faults'
import * as machines from './machines'
import { EXTRA_OPERATIONS, type ExtraOperationId, OPERATIONS, type OperationId } from './operations'
import type { World } from './store'
import * as team from './team'

export interface HttpOptions {
  /** prefix of every route, e.g. '/v1' */
  basePath: string
  /** when set, only `Authorization: Bearer <apiKey>` is accepted */
  apiKey?: string
  faults: FaultInjector
  /** the shapes of the answers (default: the contract's) */
  dialect?: Dialect
  /** faults that are part of the dialect (the live service's occasional 429), consulted after `faults` */
  ambientFaults?: FaultInjector
}

interface ParsedRequest {
  param(name: string): string
  query(name: string): string | undefined
  json(): Promise<unknown>
}

type Handler = (world: World, request: ParsedRequest, dialect: Dialect) => Reply | Promise<Reply>

const HANDLERS: Record<OperationId, Handler> = {
  listMachines: (world, req, d) => {
    const query: machines.ListMachinesQuery = {
      after: req.query('after'),
      limit: req.query('limit'),
      orderBy: req.query('orderBy'),
      order: req.query('order'),
      name: req.query('name'),
      region: req.query('region'),
      machineType: req.query('machineType'),
    }
    return d.listMachines(machines.listMachines(world, d.listMachinesQuery?.(query) ?? query))
  },
  createMachine: async (world, req, d) => d.createMachine(machines.createMachine(world, await req.json())),
  getMachine: (world, req, d) => d.getMachine(machines.getMachine(world, req.param('id'))),
  updateMachine: async (world, req, d) =>
    d.updateMachine(machines.updateMachine(world, req.param('id'), await req.json())),
  deleteMachine: (world, req, d) => d.deleteMachine(machines.deleteMachine(world, req.param('id'))),
  startMachine: (world, req, d) => d.machineAction(machines.startMachine(world, req.param('id'))),
  stopMachine: (world, req, d) => d.machineAction(machines.stopMachine(world, req.param('id'))),
  restartMachine: (world, req, d) => d.machineAction(machines.restartMachine(world, req.param('id'))),
  listMachineAccessors: (world, req, d) =>
    d.listMachineAccessors(accessors.listAccessors(world, req.param('id')), {
      after: req.query('after'),
      limit: req.query('limit'),
    }),
  grantMachineAccess: async (world, req, d) =>
    d.grantMachineAccess(accessors.grantAccess(world, req.param('id'), await req.json())),
  getMachineAccessor: (world, req, d) =>
    d.getMachineAccessor(accessors.getAccessor(world, req.param('id'), req.param('userId'))),
  revokeMachineAccess: (world, req, d) => {
    accessors.revokeAccess(world, req.param('id'), req.param('userId'))
    return d.revokeMachineAccess()
  },
  getMachineDesktop: (world, req, d) => d.getMachineDesktop(getDesktop(world, req.param('id')), req.param('id')),
  listMachineEvents: (world, req, d) =>
    d.listMachineEvents(
      events.listEvents(world, {
        after: req.query('after'),
        limit: req.query('limit'),
        machineId: req.query('machineId'),
      }),
    ),
  getMachineEvent: (world, req, d) => d.getMachineEvent(events.getEvent(world, req.param('id'))),
  getMachineAvailability: (world, req, d) =>
    d.getMachineAvailability(
      getAvailability(world, { machineType: req.query('machineType'), region: req.query('region') }),
    ),
}

/** The reads beyond the contract answer the same shapes in either dialect (built by team.ts); errors still go through it. */
const EXTRA_HANDLERS: Record<ExtraOperationId, Handler> = {
  getAuthSession: (world) => ({ status: 200, body: team.getAuthSession(world) }),
  listTeamUsers: (world, req) => {
    const page = team.listTeamUsers(world, req.param('teamId'), {
      after: req.query('after'),
      limit: req.query('limit'),
      orderBy: req.query('orderBy'),
      order: req.query('order'),
      role: req.query('role'),
    })
    return { status: 200, body: team.teamUserListView(page) }
  },
}

const EXTRA_IDS: ReadonlySet<string> = new Set(EXTRA_OPERATIONS.map((operation) => operation.id))
const isExtraOperation = (id: OperationId | ExtraOperationId): id is ExtraOperationId => EXTRA_IDS.has(id)

const WAF_PAGE = `<!DOCTYPE html>
<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<p>The request could not be completed. Please try again in a few minutes.</p>
<hr><center>edge-proxy</center>
</body>
</html>
`

function send(reply: Reply, headers: Record<string, string> = {}): Response {
  if (reply.body === undefined) return new Response(null, { status: reply.status, headers })
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  })
}

function errorReply(dialect: Dialect, status: number, message: string): Reply {
  return dialect.error(new SimError(status, codeForStatus(status), message))
}

function faultResponse(dialect: Dialect, outcome: FaultOutcome): Response {
  switch (outcome.kind) {
    case 'html':
      return new Response(WAF_PAGE, { status: 502, headers: { 'content-type': 'text/html; charset=utf-8' } })
    case 'rate-limit':
      return send(errorReply(dialect, 429, `Too many requests. Retry after ${outcome.retryAfter} seconds.`), {
        'retry-after': String(outcome.retryAfter),
      })
    case 'error':
      return send(
        errorReply(
          dialect,
          outcome.status,
          outcome.status >= 500 ? 'Something went wrong on our side. Try again.' : 'The request was refused.',
        ),
      )
  }
}

function authError(header: string | undefined, apiKey: string | undefined): string | null {
  const match = /^Bearer\s+(.*)$/i.exec(header ?? '')
  const token = match?.[1]?.trim() ?? ''
  if (token === '') return 'Missing API key. Send it as "Authorization: Bearer <API key>".'
  if (apiKey !== undefined && token !== apiKey) return 'The API key is not valid.'
  return null
}

function requestOf(c: Context): ParsedRequest {
  return {
    param: (name) => c.req.param(name) ?? '',
    query: (name) => c.req.query(name),
    json: async () => {
      const text = await c.req.text()
      if (text.trim() === '') throw badRequest('The request body must be a JSON object.')
      try {
        return JSON.parse(text) as unknown
      } catch {
        throw badRequest('The request body is not valid JSON.')
      }
    },
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function normaliseBasePath(basePath: string): string {
  const trimmed = basePath.trim().replace(/\/+$/, '')
  if (trimmed === '') return ''
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

/** The whole API as a Hono app: faults first, then auth, then the rule, then the dialect's reply. */
export function createHttpApp(world: World, options: HttpOptions): Hono {
  const app = new Hono()
  const base = normaliseBasePath(options.basePath)
  const dialect = options.dialect ?? contractDialect

  for (const operation of [...OPERATIONS, ...EXTRA_OPERATIONS]) {
    app.on(operation.method, `${base}${operation.path}`, async (c) => {
      const decision = options.faults.decide(operation.id)
      if (decision.delayMs > 0) await sleep(decision.delayMs)
      if (decision.outcome) return faultResponse(dialect, decision.outcome)
      const ambient = options.ambientFaults?.decide(operation.id).outcome
      if (ambient) return faultResponse(dialect, ambient)
      const denied = authError(c.req.header('authorization'), options.apiKey)
      if (denied) return send(errorReply(dialect, 401, denied))
      try {
        const id = operation.id
        if (isExtraOperation(id)) return send(await EXTRA_HANDLERS[id](world, requestOf(c), dialect))
        const refused = await dialect.screen?.(id, {
          contentType: c.req.header('content-type'),
          text: () => c.req.text(),
        })
        if (refused) return send(refused)
        return send(await HANDLERS[id](world, requestOf(c), dialect))
      } catch (error) {
        if (error instanceof SimError) return send(dialect.error(error))
        throw error
      }
    })
  }

  const methodsByPath = new Map<string, string[]>()
  for (const { method, path } of [...OPERATIONS, ...EXTRA_OPERATIONS])
    methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), method])
  for (const [path, methods] of methodsByPath) {
    app.all(`${base}${path}`, (c) =>
      send(errorReply(dialect, 405, `${c.req.method} is not allowed here. Allowed: ${methods.join(', ')}.`), {
        allow: methods.join(', '),
      }),
    )
  }

  app.notFound((c) => send(errorReply(dialect, 404, `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)))
  app.onError((error) => {
    console.error('Simulator error:', error)
    return send(errorReply(dialect, 500, 'Something went wrong on our side. Try again.'))
  })
  return app
}
