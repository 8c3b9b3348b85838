import { expect, test } from '@playwright/test'
import type { components } from '../src/api/schema'
import { apiGet } from './support/api'

type Machine = components['schemas']['Machine']
type Accessor = components['schemas']['Accessor']
interface RawMachine {
  ram: unknown
  region: string
  state: string
}

// Each project runs the suite against its own server: `contract` speaks the contract's shapes, `live` the live
// Paperspace service's. This spec checks that the server really speaks its project's dialect, and that the app's
// normaliser gives specs (and pages) the same shapes either way.

test('the server answers in this project’s dialect', async ({ request }, testInfo) => {
  const live = testInfo.project.name === 'live'
  const raw = (await (await request.get('/api/v1/machines?limit=120')).json()) as {
    items: RawMachine[]
    nextPage?: string | null
  }
  expect(raw.items.some((m) => typeof m.ram === 'string')).toBe(live)
  expect(raw.items.some((m) => m.region.includes('('))).toBe(live)
  expect(raw.nextPage === null).toBe(live)
  // The live service knows no failed state (the contract's fleet starts with a few failed machines).
  if (live) expect(raw.items.map((m) => m.state)).not.toContain('failed')

  const machine = raw.items[0] as RawMachine & { id: string }
  const accessors = (await (await request.get(`/api/v1/machines/${machine.id}/accessors`)).json()) as unknown[]
  expect(accessors.every((a) => typeof a === 'object' && a !== null && 'user' in a)).toBe(live)
})

test('specs read the contract’s shapes in both dialects', async ({ request }) => {
  const { items } = await apiGet<{ items: Machine[] }>(request, '/machines?limit=120')
  expect(items.every((m) => typeof m.ram === 'number' && typeof m.storageTotal === 'number')).toBe(true)
  expect(new Set(items.map((m) => m.region))).toEqual(new Set(['ny2', 'ca1', 'ams1']))
  const id = items[0]?.id ?? ''
  const accessors = await apiGet<Accessor[]>(request, `/machines/${id}/accessors`)
  expect(accessors.length).toBeGreaterThan(0)
  for (const accessor of accessors) {
    expect(accessor).toMatchObject({ userId: expect.any(String), email: expect.any(String), machineId: id })
  }
})
