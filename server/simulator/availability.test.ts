import { describe, expect, it } from 'vitest'
import { isAvailable } from './availability'
import { catalog } from './catalog'
import { FakeClock } from './clock'
import { createSimulator, type Simulator } from './simulator'
import { send, testApi } from './test-support'
import { createWorld } from './world'

const HOUR = 3_600_000
const cells = catalog.machineTypes.flatMap((type) => type.regions.map((region) => ({ type, region })))

async function snapshot(sim: Simulator): Promise<boolean[]> {
  const answers: boolean[] = []
  for (const { type, region } of cells) {
    const reply = await send(sim, 'GET', `/machine-availability?machineType=${type.name}&region=${region}`)
    expect(reply.body).toEqual({ available: expect.any(Boolean), machineType: type.name, region })
    answers.push(reply.body.available)
  }
  return answers
}

describe('availability', () => {
  it('is deterministic for a seed and a clock hour', async () => {
    const a = await snapshot(createSimulator({ clock: new FakeClock(), machines: 0 }))
    const b = await snapshot(createSimulator({ clock: new FakeClock(), machines: 0 }))
    expect(a).toEqual(b)
  })

  it('keeps CPU types available and some GPU types out of capacity somewhere', async () => {
    const answers = await snapshot(createSimulator({ clock: new FakeClock(), machines: 0 }))
    const gpuAnswers = answers.filter((_, i) => cells[i]!.type.class !== 'cpu')
    expect(answers.filter((_, i) => cells[i]!.type.class === 'cpu').every(Boolean)).toBe(true)
    const unavailable = gpuAnswers.filter((available) => !available).length
    expect(unavailable).toBeGreaterThan(0)
    expect(unavailable).toBeLessThan(gpuAnswers.length * 0.4)
  })

  it('drifts slowly from hour to hour', () => {
    const clock = new FakeClock()
    const world = createWorld({ seed: 1, machines: 0, speed: 1, clock })
    const hours: boolean[][] = []
    for (let hour = 0; hour < 48; hour++) {
      hours.push(cells.map(({ type, region }) => isAvailable(world, type.name, region)))
      clock.advance(HOUR)
    }
    let changed = 0
    for (let hour = 1; hour < hours.length; hour++) {
      changed += hours[hour]!.filter((available, i) => available !== hours[hour - 1]![i]).length
    }
    expect(changed).toBeGreaterThan(0)
    expect(changed / (47 * cells.length)).toBeLessThan(0.15)
  })

  it('answers false for a type not offered in the region', async () => {
    const { call } = testApi({ machines: 0 })
    expect((await call('GET', '/machine-availability?machineType=H100&region=ams1')).body).toEqual({
      available: false,
      machineType: 'H100',
      region: 'ams1',
    })
  })

  it.each([
    ['?region=ny2', 'machineType is required.'],
    ['?machineType=C5', 'region is required.'],
    ['?machineType=Z1&region=ny2', 'machineType Z1 is not a known machine type.'],
    ['?machineType=C5&region=lon1', 'region lon1 is not a known region. Use ny2, ca1 or ams1.'],
  ])('refuses %s with 400', async (query, message) => {
    const { call } = testApi({ machines: 0 })
    expect(await call('GET', `/machine-availability${query}`)).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST', message },
    })
  })
})
