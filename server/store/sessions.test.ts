import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from './open'
import {
  createSession,
  getSession,
  isOpen,
  listOpenSessions,
  pruneSessions,
  revokeAllSessions,
  revokeSession,
  type SessionPerson,
  touchSession,
} from './sessions'
import { reportPostgresSkip, testEngines } from './test-engines'

const t0 = Date.parse('2026-11-28T12:00:00Z')
const at = (minutes: number) => new Date(t0 + minutes * 60_000)
const ada: SessionPerson = {
  userId: 'u-ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  teamId: 'te1',
  teamName: 'acme',
}

describe.each(testEngines)('sessions on $name', (engine) => {
  let store: Store
  beforeAll(async () => {
    store = await engine.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  const open = (id: string, startedAt: number, person = ada, hours = 12) =>
    createSession(store.db, {
      id,
      person,
      startedAt: at(startedAt),
      expiresAt: at(startedAt + hours * 60),
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
    })

  it('creates, reads, touches and revokes a session', async () => {
    await open('s1', 0)
    const created = await getSession(store.db, 's1')
    expect(created).toMatchObject({ ...ada, id: 's1', revokedAt: null, lastSeenAt: at(0).toISOString() })
    expect(created && isOpen(created, at(1))).toBe(true)
    await touchSession(store.db, 's1', at(5))
    expect(await getSession(store.db, 's1')).toMatchObject({ lastSeenAt: at(5).toISOString() })
    expect(await revokeSession(store.db, 's1', at(6), 'u-someone-else')).toBe(false)
    expect(await revokeSession(store.db, 's1', at(6), 'u-ada')).toBe(true)
    expect(await revokeSession(store.db, 's1', at(7))).toBe(false)
    const revoked = await getSession(store.db, 's1')
    expect(revoked && isOpen(revoked, at(8))).toBe(false)
  })

  it('lists a person’s open sessions newest first and ends them all at once', async () => {
    await open('s2', 10)
    await open('s3', 20)
    await open('s4', 30, { ...ada, userId: 'u-grace', email: 'grace@example.com' })
    await open('s5', 0, ada, 0.1)
    expect((await listOpenSessions(store.db, 'u-ada', at(40))).map((session) => session.id)).toEqual(['s3', 's2'])
    expect(await revokeAllSessions(store.db, 'u-ada', at(41))).toBe(3)
    expect(await listOpenSessions(store.db, 'u-ada', at(42))).toEqual([])
    expect((await listOpenSessions(store.db, 'u-grace', at(42))).map((session) => session.id)).toEqual(['s4'])
  })

  it('forgets sessions that ended long ago', async () => {
    expect(await pruneSessions(store.db, at(60 * 24 * 30))).toBeGreaterThanOrEqual(4)
    expect(await getSession(store.db, 's2')).toBeUndefined()
  })
})

reportPostgresSkip('sessions')
