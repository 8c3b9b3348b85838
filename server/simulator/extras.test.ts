// Drives the reads beyond the contract (openapi/paperspace-extras.yml) through the simulator, in both dialects, and
// checks each answer against that spec's own schemas, made strict (no properties beyond the listed ones).
import { describe, expect, it } from 'vitest'
import { ajv, extras, validateError } from './contract-schema'
import { EXTRA_OPERATIONS } from './operations'
import { DIALECTS } from './simulator'
import { type Reply, testApi } from './test-support'

describe('the reads beyond the contract', () => {
  it('routes exactly the operations of the extras spec, all of them reads', () => {
    const fromSpec = extras.specOperations.map((o) => `${o.operation.operationId} ${o.method} ${o.path}`).sort()
    const routed = EXTRA_OPERATIONS.map((o) => `${o.id} ${o.method} ${o.path.replace(/:(\w+)/g, '{$1}')}`).sort()
    expect(routed).toEqual(fromSpec)
    expect(EXTRA_OPERATIONS.every((o) => o.method === 'GET')).toBe(true)
  })

  for (const dialect of DIALECTS) {
    it(`answers them in the spec's shapes (${dialect} dialect)`, async () => {
      const { call, sim } = testApi({ dialect, live429Rate: 0 })
      const checked: string[] = []

      async function op(operationId: string, path: string): Promise<Reply> {
        const reply = await call('GET', path)
        const label = `${operationId} GET ${path} → ${reply.status}`
        checked.push(label)
        expect(reply.headers.get('content-type'), label).toMatch(/^application\/json/)
        const validate = extras.responseValidator(operationId, reply.status)
        expect(validate, label).not.toBeNull()
        expect(validate?.(reply.body), `${label}: ${ajv.errorsText(validate?.errors)}`).toBe(true)
        if (reply.status >= 400) expect(validateError(reply.body), label).toBe(true)
        return reply
      }

      const session = await op('getAuthSession', '/auth/session')
      expect(session.status).toBe(200)
      const teamId: string = session.body.team.id
      expect(teamId).toBe(sim.store.teamId)

      let page = await op('listTeamUsers', `/teams/${teamId}/users?limit=5`)
      const seen = [...page.body.items]
      while (page.body.hasMore) {
        page = await op('listTeamUsers', `/teams/${teamId}/users?limit=5&after=${page.body.nextPage}`)
        seen.push(...page.body.items)
      }
      expect(page.body.nextPage).toBeNull()
      expect(seen).toHaveLength(sim.store.users.length)
      for (const query of ['orderBy=dtConfirmed&order=asc', 'role=owner', 'role=admin', 'role=member&limit=120']) {
        expect((await op('listTeamUsers', `/teams/${teamId}/users?${query}`)).status).toBe(200)
      }
      for (const query of ['limit=0', 'limit=121', 'after=%25', 'orderBy=email', 'order=up', 'role=guest']) {
        expect((await op('listTeamUsers', `/teams/${teamId}/users?${query}`)).status).toBe(400)
      }
      expect((await op('listTeamUsers', '/teams/tenothere/users')).status).toBe(404)

      sim.setFaults([{ kind: 'rate-limit', operations: ['getAuthSession', 'listTeamUsers'] }])
      expect((await op('getAuthSession', '/auth/session')).status).toBe(429)
      expect((await op('listTeamUsers', `/teams/${teamId}/users`)).status).toBe(429)
      expect(checked.length).toBeGreaterThan(15)
    })
  }

  it('refuses a missing key and other methods as it does for the contract', async () => {
    const { call, sim } = testApi()
    const replies = [
      await call('GET', '/auth/session', undefined, {}),
      await call('GET', `/teams/${sim.store.teamId}/users`, undefined, {}),
      await call('POST', '/auth/session', {}),
      await call('DELETE', `/teams/${sim.store.teamId}/users`),
    ]
    expect(replies.map((r) => r.status)).toEqual([401, 401, 405, 405])
    expect(replies[2]?.headers.get('allow')).toBe('GET')
    for (const reply of replies) expect(validateError(reply.body), ajv.errorsText(validateError.errors)).toBe(true)
  })
})
