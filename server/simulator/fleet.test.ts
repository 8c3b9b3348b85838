import { describe, expect, it } from 'vitest'
import { catalog, findMachineType } from './catalog'
import { FakeClock } from './clock'
import { generateFleet } from './fleet'
import { createSimulator } from './simulator'

const GIB = 1024 ** 3
const YEAR = 366 * 24 * 3_600_000
const NOW = Date.parse('2026-11-28T12:00:00Z')

describe('fleet', () => {
  it('is the same for the same seed and different for another', () => {
    const a = createSimulator({ clock: new FakeClock(), seed: 7 })
    const b = createSimulator({ clock: new FakeClock(), seed: 7 })
    const c = createSimulator({ clock: new FakeClock(), seed: 8 })
    expect(a.store.machines).toEqual(b.store.machines)
    expect(a.store.events).toEqual(b.store.events)
    expect(a.store.users).toEqual(b.store.users)
    expect(c.store.machines).not.toEqual(a.store.machines)
  })

  it('builds realistic machines from the catalog', () => {
    const clock = new FakeClock()
    const sim = createSimulator({ clock, machines: 400 })
    const machines = sim.store.machines
    expect(machines).toHaveLength(400)
    expect(new Set(machines.map((m) => m.id)).size).toBe(400)
    expect(new Set(machines.map((m) => m.name)).size).toBe(400)
    const templateOs = new Set(catalog.templates.map((t) => t.os))
    for (const m of machines) {
      const type = findMachineType(m.machineType!)!
      expect(m.id).toMatch(/^ps[a-z0-9]{10}$/)
      expect(m.name).toMatch(/^[a-z0-9-]+$/)
      expect(type.regions).toContain(m.region)
      expect(m.cpus).toBe(type.cpus)
      expect(m.ram).toBe(type.ramGb * GIB)
      expect(Number.isInteger(m.storageTotal)).toBe(true)
      expect(m.gpu).toBe(type.gpu ?? undefined)
      expect(templateOs).toContain(m.os)
      expect(m.privateIp).toMatch(/^10\.\d+\.\d+\.\d+$/)
      expect(m.teamId).toBe(sim.store.teamId)
      expect(sim.store.users.map((u) => u.id)).toContain(m.userId)
      const created = Date.parse(m.dtCreated!)
      expect(created).toBeLessThan(clock.now())
      expect(created).toBeGreaterThan(clock.now() - YEAR)
      if (m.state === 'ready') expect(m.dtLastRun).toBeDefined()
      if (m.dtLastRun) expect(Date.parse(m.dtLastRun)).toBeGreaterThanOrEqual(created)
    }
    const regions = new Set(machines.map((m) => m.region))
    expect(regions).toEqual(new Set(['ny2', 'ca1', 'ams1']))
    const withPublicIp = machines.filter((m) => m.publicIp !== null).length
    expect(withPublicIp).toBeGreaterThan(40)
    expect(withPublicIp).toBeLessThan(360)
  })

  it('mixes states: mostly ready and off, a few failed, one to three in transition', () => {
    const sim = createSimulator({ clock: new FakeClock() })
    const count = (state: string) => sim.store.machines.filter((m) => m.state === state).length
    expect(count('ready') + count('off')).toBeGreaterThan(30)
    expect(count('failed')).toBeGreaterThanOrEqual(1)
    expect(count('starting') + count('stopping')).toBeGreaterThanOrEqual(1)
    expect(count('starting') + count('stopping')).toBeLessThanOrEqual(3)
  })

  it('has a team of twelve machine owners and more, and owner access on every machine', () => {
    const sim = createSimulator({ clock: new FakeClock() })
    expect(sim.store.teamId).toMatch(/^te[a-z0-9]{6}$/)
    expect(sim.store.users.length).toBeGreaterThanOrEqual(36)
    expect(new Set(sim.store.machines.map((m) => m.userId)).size).toBeLessThanOrEqual(12)
    for (const user of sim.store.users) {
      expect(user.id).toMatch(/^u[a-z0-9]{8}$/)
      expect(user.email).toMatch(/^[a-z]+\.[a-z]+@example\.com$/)
    }
    for (const m of sim.store.machines) {
      expect(sim.store.accessors(m.id!)[0]).toMatchObject({ userId: m.userId, access: 'admin' })
    }
    expect(sim.store.machines.some((m) => sim.store.accessors(m.id!).length > 1)).toBe(true)
    const oldest = [...sim.store.machines].sort((a, b) => Date.parse(a.dtCreated!) - Date.parse(b.dtCreated!))[0]!
    expect(sim.store.accessors(oldest.id!).length).toBeGreaterThanOrEqual(36)
  })

  it('draws the live facts from the seed alone, and gives the newcomers no machine of their own', () => {
    const a = generateFleet(3, 50, NOW, 1)
    const b = generateFleet(3, 50, NOW, 1)
    expect([...a.machines.values()].map((m) => m.live)).toEqual([...b.machines.values()].map((m) => m.live))
    expect(a.users.slice(0, 12).map((user) => user.firstName)).toEqual([
      'Ada',
      'Alan',
      'Grace',
      'Katherine',
      'Edsger',
      'Barbara',
      'Donald',
      'Margaret',
      'John',
      'Frances',
      'Ken',
      'Radia',
    ])
    const owners = new Set([...a.machines.values()].map((m) => m.userId))
    for (const newcomer of a.users.slice(12)) expect(owners.has(newcomer.id)).toBe(false)
  })

  it('seeds a past event history for every machine', () => {
    const sim = createSimulator({ clock: new FakeClock() })
    for (const m of sim.store.machines) {
      expect(sim.store.eventsFor(m.id!).some((e) => e.type === 'create')).toBe(true)
    }
    for (const e of sim.store.events) expect(e.id).toMatch(/^ev[a-z0-9]{10}$/)
  })

  it('generates 20,000 machines quickly', () => {
    const started = performance.now()
    const sim = createSimulator({ clock: new FakeClock(), machines: 20_000 })
    expect(performance.now() - started).toBeLessThan(3_000)
    expect(sim.store.machine(sim.store.machines[19_999]!.id!)).toBeDefined()
  })
})
