// The fleet guard's API (openapi/fleet-api.yml): machine tags, start/stop schedules and runtime-limit policies.
// Handlers parse and answer; the store's modules do the SQL, `guard/` holds the rules of what is valid and when a
// schedule runs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendError } from './errors'
import { parsePolicyFields } from './guard/policy-rules'
import { nextRuns, parseScheduleFields } from './guard/schedule-rules'
import { ID_PATTERN } from './operations'
import type { Store } from './store/open'
import { createPolicy, deletePolicy, getPolicy, listPolicies, updatePolicy } from './store/policies'
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  type StoredSchedule,
  updateSchedule,
} from './store/schedules'
import { checkTags, listTags, quoteInput, setMachineTags, TagError } from './store/tags'

export interface GuardApiOptions {
  store: Store
  now: () => number
  /** The request's Paperspace key, or null when signed out (answers 401). */
  credentialFor(request: FastifyRequest): string | null | Promise<string | null>
}

/** A body is a JSON object of known fields; a message naming the first stray field otherwise. */
export function objectBody(body: unknown, fields: readonly string[]): Record<string, unknown> | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The request body must be a JSON object.'
  const record = body as Record<string, unknown>
  for (const name of Object.keys(record)) {
    if (!fields.includes(name)) return `Unknown field ${quoteInput(name)}; the fields are ${fields.join(', ')}.`
  }
  return record
}

export async function registerGuardApi(app: FastifyInstance, options: GuardApiOptions): Promise<void> {
  const { store } = options

  /** The request's credential, or a 401 already sent (false). */
  const signedIn = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    if ((await options.credentialFor(request)) !== null) return true
    sendError(reply, 401, 'SIGNED_OUT', 'Sign in with your Paperspace API key.')
    return false
  }

  await app.register(async (scope) => {
    scope.put<{ Params: { id: string } }>(`/api/machines/:id(${ID_PATTERN.source})/tags`, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      const body = objectBody(request.body, ['tags'])
      if (typeof body === 'string') return sendError(reply, 400, 'BAD_REQUEST', body)
      const tags = checkTags(body.tags)
      if (tags instanceof TagError) return sendError(reply, 400, 'BAD_REQUEST', tags.message)
      const machineId = request.params.id
      return { machineId, tags: await setMachineTags(store.db, machineId, tags) }
    })

    scope.get('/api/tags', { exposeHeadRoute: false }, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      return { items: await listTags(store.db) }
    })

    const scheduleAnswer = (schedule: StoredSchedule) => ({
      ...schedule,
      nextRuns: nextRuns(schedule, new Date(options.now())),
    })
    const noSchedule = (reply: FastifyReply) => sendError(reply, 404, 'NOT_FOUND', 'There is no schedule with this id.')
    const scheduleRoute = `/api/schedules/:id(${ID_PATTERN.source})`

    scope.get('/api/schedules', { exposeHeadRoute: false }, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      return { items: (await listSchedules(store.db)).map(scheduleAnswer) }
    })

    scope.post('/api/schedules', async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      const now = new Date(options.now())
      const fields = parseScheduleFields(request.body, now)
      if (typeof fields === 'string') return sendError(reply, 400, 'BAD_REQUEST', fields)
      const schedule = await createSchedule(store.db, fields, now)
      return reply.code(201).header('location', `/api/schedules/${schedule.id}`).send(scheduleAnswer(schedule))
    })

    scope.get<{ Params: { id: string } }>(scheduleRoute, { exposeHeadRoute: false }, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      const schedule = await getSchedule(store.db, request.params.id)
      return schedule === undefined ? noSchedule(reply) : scheduleAnswer(schedule)
    })

    scope.patch<{ Params: { id: string } }>(scheduleRoute, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      const current = await getSchedule(store.db, request.params.id)
      if (current === undefined) return noSchedule(reply)
      const now = new Date(options.now())
      const fields = parseScheduleFields(request.body, now, current)
      if (typeof fields === 'string') return sendError(reply, 400, 'BAD_REQUEST', fields)
      // Deleted between the read and the write: the same answer as if it had gone first.
      const updated = await updateSchedule(store.db, current.id, fields, now)
      return updated === undefined ? noSchedule(reply) : scheduleAnswer(updated)
    })

    scope.delete<{ Params: { id: string } }>(scheduleRoute, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      if (!(await deleteSchedule(store.db, request.params.id))) return noSchedule(reply)
      return reply.code(204).send()
    })

    const noPolicy = (reply: FastifyReply) => sendError(reply, 404, 'NOT_FOUND', 'There is no policy with this id.')
    const policyRoute = `/api/policies/:id(${ID_PATTERN.source})`

    scope.get('/api/policies', { exposeHeadRoute: false }, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      return { items: await listPolicies(store.db) }
    })

    scope.post('/api/policies', async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      const fields = parsePolicyFields(request.body)
      if (typeof fields === 'string') return sendError(reply, 400, 'BAD_REQUEST', fields)
      const policy = await createPolicy(store.db, fields, new Date(options.now()))
      return reply.code(201).header('location', `/api/policies/${policy.id}`).send(policy)
    })

    scope.get<{ Params: { id: string } }>(policyRoute, { exposeHeadRoute: false }, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      return (await getPolicy(store.db, request.params.id)) ?? noPolicy(reply)
    })

    scope.patch<{ Params: { id: string } }>(policyRoute, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      const current = await getPolicy(store.db, request.params.id)
      if (current === undefined) return noPolicy(reply)
      const fields = parsePolicyFields(request.body, current)
      if (typeof fields === 'string') return sendError(reply, 400, 'BAD_REQUEST', fields)
      return (await updatePolicy(store.db, current.id, fields, new Date(options.now()))) ?? noPolicy(reply)
    })

    scope.delete<{ Params: { id: string } }>(policyRoute, async (request, reply) => {
      if (!(await signedIn(request, reply))) return reply
      if (!(await deletePolicy(store.db, request.params.id))) return noPolicy(reply)
      return reply.code(204).send()
    })
  })
}
