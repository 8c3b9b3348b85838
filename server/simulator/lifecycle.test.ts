import { describe, expect, it } from 'vitest'
import { FakeClock } from './clock'
import { SimError } from './errors'
import { getEvent } from './events'
import {
  createMachine,
  deleteMachine,
  getMachine,
  restartMachine,
  startMachine,
  stopMachine,
  updateMachine,
} from './machines'
import type { MachineRecord, MachineState, World } from './store'
import { SECOND } from './test-support'
import { createWorld } from './world'

function setup(speed = 1) {
  const clock = new FakeClock()
  const world = createWorld({ seed: 1, machines: 40, speed, clock })
  const settledIn = (state: MachineState): MachineRecord => {
    const machine = [...world.store.machines.values()].find((m) => m.state === state && !m.transition)
    if (!machine) throw new Error(`no ${state} machine in the fleet`)
    return machine
  }
  return { clock, world, settledIn }
}

function refusal(action: () => unknown): SimError {
  try {
    action()
  } catch (error) {
    if (error instanceof SimError) return error
    throw error
  }
  throw new Error('expected the action to be refused')
}

const eventOf = (world: World, machine: MachineRecord, result: { event: { id: string } }) => {
  const event = getEvent(world, result.event.id)
  expect(event.machineId).toBe(machine.id)
  return event
}

describe('lifecycle', () => {
  it('starts an off machine: starting for 30 s, then ready with dtLastRun at that moment', () => {
    const { clock, world, settledIn } = setup()
    const machine = settledIn('off')
    const startedAt = clock.now()
    const result = startMachine(world, machine.id)
    expect(result.machine.state).toBe('starting')
    const event = eventOf(world, machine, result)
    expect(event).toMatchObject({ type: 'start', state: 'in progress', dtCreated: startedAt })

    clock.advance(30 * SECOND - 1)
    expect(getMachine(world, machine.id).state).toBe('starting')
    clock.advance(10 * 60 * SECOND)
    expect(getMachine(world, machine.id).state).toBe('ready')
    expect(machine.dtLastRun).toBe(startedAt + 30 * SECOND)
    expect(getEvent(world, event.id)).toMatchObject({ state: 'done', dtFinished: startedAt + 30 * SECOND })
  })

  it('starts a failed machine', () => {
    const { clock, world, settledIn } = setup()
    const machine = settledIn('failed')
    expect(startMachine(world, machine.id).machine.state).toBe('starting')
    clock.advance(30 * SECOND)
    expect(getMachine(world, machine.id).state).toBe('ready')
  })

  it('stops a ready machine: stopping for 20 s, then off', () => {
    const { clock, world, settledIn } = setup()
    const machine = settledIn('ready')
    const lastRun = machine.dtLastRun
    const result = stopMachine(world, machine.id)
    expect(result.machine.state).toBe('stopping')
    expect(eventOf(world, machine, result)).toMatchObject({ type: 'stop', state: 'in progress' })
    clock.advance(19 * SECOND)
    expect(getMachine(world, machine.id).state).toBe('stopping')
    clock.advance(1 * SECOND)
    expect(getMachine(world, machine.id).state).toBe('off')
    expect(machine.dtLastRun).toBe(lastRun)
    expect(getEvent(world, result.event.id).state).toBe('done')
  })

  it('restarts a ready machine: restarting for 40 s, then ready again', () => {
    const { clock, world, settledIn } = setup()
    const machine = settledIn('ready')
    const at = clock.now()
    const result = restartMachine(world, machine.id)
    expect(result.machine.state).toBe('restarting')
    expect(eventOf(world, machine, result).type).toBe('restart')
    clock.advance(39 * SECOND)
    expect(getMachine(world, machine.id).state).toBe('restarting')
    clock.advance(1 * SECOND)
    expect(getMachine(world, machine.id).state).toBe('ready')
    expect(machine.dtLastRun).toBe(at + 40 * SECOND)
  })

  it('divides every duration by the speed factor', () => {
    const { clock, world, settledIn } = setup(50)
    const machine = settledIn('off')
    startMachine(world, machine.id)
    clock.advance(599)
    expect(getMachine(world, machine.id).state).toBe('starting')
    clock.advance(1)
    expect(getMachine(world, machine.id).state).toBe('ready')
  })

  it('refuses actions that make no sense in the current state', () => {
    const { world, settledIn } = setup()
    const ready = settledIn('ready')
    const off = settledIn('off')
    expect(refusal(() => startMachine(world, ready.id))).toMatchObject({
      status: 409,
      code: 'CONFLICT',
      message: 'This machine is already running.',
    })
    expect(refusal(() => stopMachine(world, off.id)).message).toBe('This machine is already off.')
    expect(refusal(() => restartMachine(world, off.id)).message).toBe('This machine is already off.')
    expect(refusal(() => restartMachine(world, settledIn('failed').id)).status).toBe(409)
  })

  it('refuses every action on a machine mid-transition, naming the state', () => {
    const { world, settledIn } = setup()
    const machine = settledIn('off')
    startMachine(world, machine.id)
    for (const action of [
      () => startMachine(world, machine.id),
      () => stopMachine(world, machine.id),
      () => restartMachine(world, machine.id),
      () => deleteMachine(world, machine.id),
    ]) {
      expect(refusal(action)).toMatchObject({ status: 409, message: 'This machine is currently starting.' })
    }
    const ready = settledIn('ready')
    stopMachine(world, ready.id)
    expect(refusal(() => startMachine(world, ready.id)).message).toBe('This machine is currently stopping.')
  })

  it('creates a machine: provisioning 120 s, starting 30 s, then ready, with one create event', () => {
    const { clock, world } = setup()
    const at = clock.now()
    const { machine, event } = createMachine(world, {
      name: '  lab-box  ',
      machineType: 'C5',
      region: 'ams1',
      templateId: 't0nspur5',
    })
    expect(machine).toMatchObject({ name: 'lab-box', state: 'provisioning', dtLastRun: null })
    expect(event).toMatchObject({ type: 'create', state: 'in progress', dtCreated: at })
    clock.advance(120 * SECOND - 1)
    expect(getMachine(world, machine.id).state).toBe('provisioning')
    clock.advance(1)
    expect(getMachine(world, machine.id).state).toBe('starting')
    expect(getEvent(world, event.id).state).toBe('in progress')
    clock.advance(30 * SECOND)
    expect(getMachine(world, machine.id).state).toBe('ready')
    expect(machine.dtLastRun).toBe(at + 150 * SECOND)
    expect(getEvent(world, event.id).state).toBe('done')
  })

  it('creates a machine that stays off when startOnCreate is false', () => {
    const { clock, world } = setup()
    const { machine } = createMachine(world, {
      name: 'cold-box',
      machineType: 'C5',
      region: 'ny2',
      templateId: 't0nspur5',
      startOnCreate: false,
    })
    clock.advance(120 * SECOND)
    expect(getMachine(world, machine.id).state).toBe('off')
    expect(machine.dtLastRun).toBeNull()
  })

  it('deletes a settled machine at once; it is gone afterwards but its events stay', () => {
    const { world, settledIn } = setup()
    const machine = settledIn('off')
    const { event } = deleteMachine(world, machine.id)
    expect(event).toMatchObject({ type: 'delete', state: 'done', machineId: machine.id })
    expect(refusal(() => getMachine(world, machine.id))).toMatchObject({ status: 404, code: 'NOT_FOUND' })
    expect(refusal(() => deleteMachine(world, machine.id)).status).toBe(404)
    expect(world.store.eventsByMachine.get(machine.id)?.some((e) => e.type === 'create')).toBe(true)
  })

  it('applies due transitions in time order, each at its own time', () => {
    const { clock, world, settledIn } = setup()
    const off = settledIn('off')
    const start = clock.now()
    const started = startMachine(world, off.id)
    clock.advance(5 * SECOND)
    const ready = settledIn('ready')
    const stopped = stopMachine(world, ready.id)
    clock.advance(60 * 60 * SECOND)
    expect(getMachine(world, off.id).state).toBe('ready')
    expect(getMachine(world, ready.id).state).toBe('off')
    expect(getEvent(world, started.event.id).dtFinished).toBe(start + 30 * SECOND)
    expect(getEvent(world, stopped.event.id).dtFinished).toBe(start + 25 * SECOND)
  })

  it('lets the fleet’s machines in transition settle within a minute', () => {
    const { clock, world } = setup()
    const moving = [...world.store.machines.values()].filter((m) => m.transition)
    expect(moving.length).toBeGreaterThanOrEqual(1)
    expect(moving.length).toBeLessThanOrEqual(3)
    const events = moving.map((m) => getEvent(world, m.transition!.eventId))
    expect(events.every((e) => e.state === 'in progress')).toBe(true)
    clock.advance(60 * SECOND)
    for (const machine of moving) expect(['ready', 'off']).toContain(getMachine(world, machine.id).state)
    expect(events.every((e) => e.state === 'done')).toBe(true)
  })

  it('updates names and snapshot settings mid-transition but the type only while off', () => {
    const { clock, world, settledIn } = setup()
    const machine = settledIn('off')
    startMachine(world, machine.id)
    expect(updateMachine(world, machine.id, { name: 'renamed', autoSnapshotFrequency: 'daily' }).machine).toMatchObject(
      {
        name: 'renamed',
        autoSnapshotFrequency: 'daily',
      },
    )
    const other = machine.machineType === 'C5' ? 'C6' : 'C5'
    expect(refusal(() => updateMachine(world, machine.id, { machineType: other }))).toMatchObject({
      status: 409,
      message: 'Change the machine type while the machine is off.',
    })
    clock.advance(30 * SECOND)
    stopMachine(world, machine.id)
    clock.advance(20 * SECOND)
    const cpuMachine = settledIn('off')
    expect(updateMachine(world, cpuMachine.id, { machineType: 'C7' }).machine).toMatchObject({
      machineType: 'C7',
      cpus: 12,
      ram: 30 * 1024 ** 3,
      gpu: null,
    })
  })
})
