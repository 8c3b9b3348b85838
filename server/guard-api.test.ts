// The guard's HTTP API over a real Fastify instance and a real store, on every store engine. Every answer is checked
// against openapi/fleet-api.yml, so that the contract and the server cannot drift apart.
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { handleError } from './errors'
import { registerGuardApi } from './guard-api'
import type { Store } from './store/open'
import { reportPostgresSkip, testEngines } from './store/test-engines'

const SIGNED_IN = { authorization: 'Bearer k-test' }

type Json = Record<string, unknown>
const spec = parse(readFileSync(new URL('../openapi/fleet-api.yml', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Json; $ref?: string }> }>>
  components: Json
}

/** OpenAPI 3.0's `nullable` as JSON Schema: the schema, or null. */
function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema)
  if (typeof schema !== 'object' || schema === null) return schema
  const { nullable, ...rest } = schema as Json
  const copy = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? value.replace(/^#/, 'fleet-api#') : jsonSchema(value),
    ]),
  )
  return nullable === true ? { anyOf: [copy, { type: 'null' }] } : copy
}

const ajv = new Ajv({ allErrors: true, strict: false })
addFormats(ajv)
ajv.addSchema({ $id: 'fleet-api', components: jsonSchema(spec.components) })
const validators = new Map<string, ValidateFunction>()

/** Fails unless the answer is one the spec lists for this path and method, with a body of the listed shape. */
function expectInSpec(method: string, path: string, answer: LightMyRequestResponse): void {
  const operation = spec.paths[path]?.[method.toLowerCase()]
  const response = operation?.responses[String(answer.statusCode)]
  expect(response, `${method} ${path} ${answer.statusCode} is in the spec`).toBeDefined()
  const ref = response?.$ref?.replace(/^#/, 'fleet-api#')
  const content = (response?.content?.['application/json'] as { schema: unknown } | undefined)?.schema
  if (ref === undefined && content === undefined) {
    expect(answer.body).toBe('')
    return
  }
  const key = `${method} ${path} ${answer.statusCode}`
  let validate = validators.get(key)
  if (validate === undefined) {
    const schema = ref === undefined ? jsonSchema(content) : { $ref: `${ref}/content/application~1json/schema` }
    validate = ajv.compile(schema as Json)
    validators.set(key, validate)
  }
  expect(validate(answer.json()), `${key}: ${ajv.errorsText(validate.errors)}`).toBe(true)
}

/** The spec's path for a concrete URL. */
function specPath(url: string): string {
  const path = url.split('?')[0] ?? url
  return (
    Object.keys(spec.paths).find((candidate) =>
      new RegExp(`^${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
    ) ?? path
  )
}

describe('the spec check', () => {
  const answer = (statusCode: number, body: unknown) =>
    ({ statusCode, body: JSON.stringify(body), json: () => body }) as unknown as LightMyRequestResponse

  it('refuses answers the spec does not list or whose shape differs', () => {
    expectInSpec('GET', '/api/tags', answer(200, { items: [{ tag: 'gpu', machineIds: ['ps1'] }] }))
    expect(() => expectInSpec('GET', '/api/tags', answer(200, { items: [{ tag: 'GPU', machineIds: [] }] }))).toThrow()
    expect(() => expectInSpec('GET', '/api/tags', answer(200, { items: [], more: true }))).toThrow()
    expect(() => expectInSpec('GET', '/api/tags', answer(418, { code: 'TEAPOT', message: '' }))).toThrow()
    expect(() => expectInSpec('DELETE', '/api/schedules/{id}', answer(204, { unexpected: 1 }))).toThrow()
    expect(specPath('/api/schedules/sch_1')).toBe('/api/schedules/{id}')
  })
})

describe.each(testEngines)('the guard API on $name', (engine) => {
  let store: Store
  let app: FastifyInstance
  let clock = Date.parse('2026-11-28T12:00:00Z')

  beforeAll(async () => {
    store = await engine.open()
    app = Fastify()
    app.decorateRequest('errorCode', null)
    app.setErrorHandler(handleError)
    await registerGuardApi(app, {
      store,
      now: () => clock,
      credentialFor: (request) => (request.headers.authorization === SIGNED_IN.authorization ? 'k-test' : null),
    })
    await app.ready()
  })
  afterAll(async () => {
    await app?.close()
    await store?.close()
  })

  const send = async (method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    const answer = await app.inject({
      method,
      url,
      headers: SIGNED_IN,
      ...(body === undefined ? {} : { payload: body as object }),
    })
    // A path the router refuses (404 for a malformed id) is not an answer of the spec's operations.
    if (!url.includes('%')) expectInSpec(method, specPath(url), answer)
    return answer
  }

  describe('tags', () => {
    it('replaces a machine’s tags and lists every tag with its machines', async () => {
      const put = await send('PUT', '/api/machines/ps1/tags', { tags: ['team-a', 'gpu', 'gpu'] })
      expect(put.statusCode).toBe(200)
      expect(put.json()).toEqual({ machineId: 'ps1', tags: ['gpu', 'team-a'] })
      await send('PUT', '/api/machines/ps2/tags', { tags: ['gpu'] })
      expect((await send('GET', '/api/tags')).json()).toEqual({
        items: [
          { tag: 'gpu', machineIds: ['ps1', 'ps2'] },
          { tag: 'team-a', machineIds: ['ps1'] },
        ],
      })
      expect((await send('PUT', '/api/machines/ps1/tags', { tags: [] })).json()).toEqual({ machineId: 'ps1', tags: [] })
      expect((await send('GET', '/api/tags')).json()).toEqual({ items: [{ tag: 'gpu', machineIds: ['ps2'] }] })
    })

    it('refuses bad tags, naming the tag, and stray fields', async () => {
      const bad = await send('PUT', '/api/machines/ps2/tags', { tags: ['ok', 'Not OK'] })
      expect(bad.statusCode).toBe(400)
      expect(bad.json()).toEqual({ code: 'BAD_REQUEST', message: expect.stringContaining('"Not OK"') })
      const stray = await send('PUT', '/api/machines/ps2/tags', { tags: [], labels: [] })
      expect(stray.json()).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('"labels"') })
      expect((await send('PUT', '/api/machines/ps2/tags', [])).statusCode).toBe(400)
      expect((await send('PUT', '/api/machines/ps2/tags', {})).json().message).toMatch(/list of tags/)
      expect((await send('PUT', '/api/machines/ps%202/tags', { tags: [] })).statusCode).toBe(404)
      expect((await send('GET', '/api/tags')).json()).toEqual({ items: [{ tag: 'gpu', machineIds: ['ps2'] }] })
    })

    it('answers 401 when signed out', async () => {
      const put = await app.inject({ method: 'PUT', url: '/api/machines/ps1/tags', payload: { tags: ['x'] } })
      expect(put.statusCode).toBe(401)
      expect(put.json()).toEqual({ code: 'SIGNED_OUT', message: expect.any(String) })
      expect((await app.inject({ method: 'GET', url: '/api/tags' })).statusCode).toBe(401)
      expect((await send('GET', '/api/tags')).json().items).toHaveLength(1)
    })
  })

  describe('schedules', () => {
    const weekdays = {
      name: 'Office hours',
      action: 'start',
      tag: 'gpu',
      cron: '0 8 * * 1-5',
      timeZone: 'Europe/Berlin',
    }

    it('creates a schedule and answers it with its id and next three runs', async () => {
      const created = await send('POST', '/api/schedules', weekdays)
      expect(created.statusCode).toBe(201)
      const body = created.json()
      expect(body).toEqual({
        ...weekdays,
        id: expect.stringMatching(/^sch_/),
        machineIds: null,
        paused: false,
        createdAt: '2026-11-28T12:00:00.000Z',
        updatedAt: '2026-11-28T12:00:00.000Z',
        nextRuns: ['2026-11-30T07:00:00.000Z', '2026-12-01T07:00:00.000Z', '2026-12-02T07:00:00.000Z'],
      })
      expect(created.headers.location).toBe(`/api/schedules/${body.id}`)
      expect((await send('GET', `/api/schedules/${body.id}`)).json()).toEqual(body)
      expect((await send('GET', '/api/schedules')).json()).toEqual({ items: [body] })
    })

    it('edits part of a schedule; a paused one has no next runs', async () => {
      clock += 60_000
      const { id } = (await send('POST', '/api/schedules', { ...weekdays, name: 'Evenings', action: 'stop' })).json()
      const edited = await send('PATCH', `/api/schedules/${id}`, { paused: true, machineIds: ['ps1'], tag: null })
      expect(edited.statusCode).toBe(200)
      expect(edited.json()).toMatchObject({
        id,
        name: 'Evenings',
        machineIds: ['ps1'],
        tag: null,
        paused: true,
        nextRuns: [],
      })
      const moved = await send('PATCH', `/api/schedules/${id}`, { paused: false, cron: '30 18 * * *', timeZone: 'UTC' })
      expect(moved.json().nextRuns).toEqual([
        '2026-11-28T18:30:00.000Z',
        '2026-11-29T18:30:00.000Z',
        '2026-11-30T18:30:00.000Z',
      ])
      expect((await send('GET', '/api/schedules')).json().items.map((item: { name: string }) => item.name)).toEqual([
        'Office hours',
        'Evenings',
      ])
    })

    it('refuses bad schedules and bad edits with a message naming the field, keeping what was there', async () => {
      const bad = await send('POST', '/api/schedules', { ...weekdays, cron: '0 25 * * *' })
      expect(bad.statusCode).toBe(400)
      expect(bad.json()).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/^cron "0 25 \* \* \*"/) })
      expect((await send('POST', '/api/schedules', { ...weekdays, timeZone: 'Berlin' })).json().message).toMatch(
        /^timeZone "Berlin"/,
      )
      const { id } = (await send('GET', '/api/schedules')).json().items[0]
      const edit = await send('PATCH', `/api/schedules/${id}`, { tag: null })
      expect(edit.statusCode).toBe(400)
      expect(edit.json().message).toMatch(/give machineIds, a tag, or both/)
      expect((await send('GET', `/api/schedules/${id}`)).json()).toMatchObject({ tag: 'gpu' })
    })

    it('deletes a schedule; an unknown id is 404 everywhere', async () => {
      const { id } = (await send('POST', '/api/schedules', { ...weekdays, name: 'Short-lived' })).json()
      expect((await send('DELETE', `/api/schedules/${id}`)).statusCode).toBe(204)
      for (const [method, body] of [['GET'], ['PATCH', { paused: true }], ['DELETE']] as const) {
        const answer = await send(method, `/api/schedules/${id}`, body)
        expect(answer.statusCode).toBe(404)
        expect(answer.json()).toEqual({ code: 'NOT_FOUND', message: 'There is no schedule with this id.' })
      }
      expect((await send('GET', '/api/schedules')).json().items).toHaveLength(2)
    })

    it('answers 401 when signed out', async () => {
      for (const [method, url] of [
        ['GET', '/api/schedules'],
        ['POST', '/api/schedules'],
        ['GET', '/api/schedules/sch_x'],
        ['PATCH', '/api/schedules/sch_x'],
        ['DELETE', '/api/schedules/sch_x'],
      ] as const) {
        const answer = await app.inject({ method, url, payload: weekdays })
        expect(answer.statusCode, `${method} ${url}`).toBe(401)
      }
      expect((await send('GET', '/api/schedules')).json().items).toHaveLength(2)
    })
  })

  describe('runtime policies', () => {
    const gpus = { name: 'GPUs four hours', maxRunningMinutes: 240, machineTypes: ['A4000'], exemptTag: 'long-job' }

    it('creates, reads, edits and deletes a policy', async () => {
      const created = await send('POST', '/api/policies', gpus)
      expect(created.statusCode).toBe(201)
      const policy = created.json()
      expect(policy).toEqual({
        ...gpus,
        id: expect.stringMatching(/^pol_/),
        warnMinutes: 30,
        tags: null,
        paused: false,
        createdAt: new Date(clock).toISOString(),
        updatedAt: new Date(clock).toISOString(),
      })
      expect(created.headers.location).toBe(`/api/policies/${policy.id}`)
      expect((await send('GET', `/api/policies/${policy.id}`)).json()).toEqual(policy)
      expect((await send('GET', '/api/policies')).json()).toEqual({ items: [policy] })

      const edited = await send('PATCH', `/api/policies/${policy.id}`, { tags: ['gpu'], machineTypes: null })
      expect(edited.json()).toEqual({ ...policy, tags: ['gpu'], machineTypes: null })
      const refused = await send('PATCH', `/api/policies/${policy.id}`, { warnMinutes: 300 })
      expect(refused.statusCode).toBe(400)
      expect(refused.json().message).toMatch(/^warnMinutes \(300\) cannot be more than maxRunningMinutes/)

      expect((await send('DELETE', `/api/policies/${policy.id}`)).statusCode).toBe(204)
      for (const [method, body] of [['GET'], ['PATCH', { paused: true }], ['DELETE']] as const) {
        const answer = await send(method, `/api/policies/${policy.id}`, body)
        expect(answer.statusCode).toBe(404)
        expect(answer.json()).toEqual({ code: 'NOT_FOUND', message: 'There is no policy with this id.' })
      }
    })

    it('refuses a bad policy with the field named, and answers 401 when signed out', async () => {
      const bad = await send('POST', '/api/policies', { ...gpus, maxRunningMinutes: 0 })
      expect(bad.statusCode).toBe(400)
      expect(bad.json()).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/^maxRunningMinutes/) })
      for (const [method, url] of [
        ['GET', '/api/policies'],
        ['POST', '/api/policies'],
        ['GET', '/api/policies/pol_x'],
        ['PATCH', '/api/policies/pol_x'],
        ['DELETE', '/api/policies/pol_x'],
      ] as const) {
        expect((await app.inject({ method, url, payload: gpus })).statusCode, `${method} ${url}`).toBe(401)
      }
      expect((await send('GET', '/api/policies')).json()).toEqual({ items: [] })
    })
  })
})

reportPostgresSkip('the guard API')
