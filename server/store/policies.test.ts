import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from './open'
import { createPolicy, deletePolicy, getPolicy, listPolicies, type PolicyFields, updatePolicy } from './policies'
import { reportPostgresSkip, testEngines } from './test-engines'

const t0 = Date.parse('2026-11-28T12:00:00Z')
const at = (minutes: number) => new Date(t0 + minutes * 60_000)
const gpus: PolicyFields = {
  name: 'GPUs four hours',
  maxRunningMinutes: 240,
  warnMinutes: 30,
  machineTypes: ['A4000', 'A100'],
  tags: null,
  exemptTag: 'long-job',
  paused: false,
}

describe.each(testEngines)('runtime policies on $name', (engine) => {
  let store: Store
  beforeAll(async () => {
    store = await engine.open()
  })
  afterAll(async () => {
    await store?.close()
  })

  it('creates, reads, lists, updates and deletes a policy', async () => {
    const created = await createPolicy(store.db, gpus, at(0))
    expect(created).toEqual({
      ...gpus,
      id: expect.stringMatching(/^pol_[A-Za-z0-9_-]{12}$/),
      createdAt: at(0).toISOString(),
      updatedAt: at(0).toISOString(),
    })
    expect(await getPolicy(store.db, created.id)).toEqual(created)
    const interns = await createPolicy(
      store.db,
      { ...gpus, name: 'Interns', machineTypes: null, tags: ['interns'], exemptTag: null, paused: true },
      at(1),
    )
    expect(await listPolicies(store.db)).toEqual([created, interns])

    const edited = await updatePolicy(store.db, created.id, { ...gpus, maxRunningMinutes: 480, tags: ['gpu'] }, at(5))
    expect(edited).toEqual({ ...created, maxRunningMinutes: 480, tags: ['gpu'], updatedAt: at(5).toISOString() })
    expect(await getPolicy(store.db, created.id)).toEqual(edited)
    expect(await updatePolicy(store.db, 'pol_missing', gpus, at(6))).toBeUndefined()

    expect(await deletePolicy(store.db, created.id)).toBe(true)
    expect(await deletePolicy(store.db, created.id)).toBe(false)
    expect(await listPolicies(store.db)).toEqual([interns])
  })
})

reportPostgresSkip('runtime policies')
