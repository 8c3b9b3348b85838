import { conflict } from './errors'
import {
  addEvent,
  type EventRecord,
  type EventType,
  type MachineRecord,
  type MachineState,
  newEventId,
  touch,
  type World,
} from './store'

/** Durations at speed 1, in milliseconds. */
export const DURATIONS = {
  provision: 120_000,
  start: 30_000,
  stop: 20_000,
  restart: 40_000,
} as const

const TRANSITIONAL: ReadonlySet<MachineState> = new Set([
  'starting',
  'stopping',
  'restarting',
  'provisioning',
  'serviceready',
  'upgrading',
])

export const isTransitional = (state: MachineState) => TRANSITIONAL.has(state)

/** A duration scaled by the run's speed factor (never below 1 ms). */
export function scaled(world: World, ms: number): number {
  return Math.max(1, Math.round(ms / world.speed))
}

/**
 * Applies every transition that is due at `clock.now()`, in time order. Each completed phase takes effect at
 * its own deadline, so a machine that finished starting long ago carries that moment as `dtLastRun`.
 * Only machines in transition are visited, so this stays cheap for large fleets.
 */
export function settle(world: World): void {
  const { store } = world
  const now = world.clock.now()
  for (let entry = store.queue.peek(); entry && entry.due <= now; entry = store.queue.peek()) {
    store.queue.pop()
    const machine = store.machines.get(entry.machineId)
    const transition = machine?.transition
    const phase = transition?.phases[0]
    if (!machine || !transition || !phase || phase.until !== entry.due) continue
    transition.phases.shift()
    const next = transition.phases[0]
    if (next) {
      machine.state = next.state
      store.queue.push(next.until, machine.id)
    } else {
      machine.state = transition.final
      machine.transition = null
      if (transition.final === 'ready') machine.dtLastRun = phase.until
      const event = store.eventsById.get(transition.eventId)
      if (event) {
        event.state = 'done'
        event.dtFinished = phase.until
      }
    }
    touch(store)
  }
}

/**
 * Puts a machine into transition: it shows each phase's state for the phase's (scaled) duration, then `final`.
 * Appends the action's event, 'in progress' until the last phase ends.
 */
export function beginTransition(
  world: World,
  machine: MachineRecord,
  type: EventType,
  phases: ReadonlyArray<{ state: MachineState; ms: number }>,
  final: MachineState,
): EventRecord {
  const now = world.clock.now()
  const event = addEvent(world.store, {
    id: newEventId(world),
    machineId: machine.id,
    type,
    state: 'in progress',
    dtCreated: now,
    dtFinished: null,
  })
  let at = now
  const timed = phases.map(({ state, ms }) => {
    at += scaled(world, ms)
    return { state, until: at }
  })
  const first = timed[0]
  if (!first) throw new Error('A transition needs at least one phase')
  machine.state = first.state
  machine.transition = { eventId: event.id, phases: timed, final }
  world.store.queue.push(first.until, machine.id)
  touch(world.store)
  return event
}

/** Refuses any action on a machine that is between states. */
export function assertSettled(machine: MachineRecord): void {
  if (isTransitional(machine.state)) throw conflict(`This machine is currently ${machine.state}.`)
}

export function startMachine(world: World, machine: MachineRecord): EventRecord {
  assertSettled(machine)
  if (machine.state === 'ready') throw conflict('This machine is already running.')
  return beginTransition(world, machine, 'start', [{ state: 'starting', ms: DURATIONS.start }], 'ready')
}

export function stopMachine(world: World, machine: MachineRecord): EventRecord {
  assertSettled(machine)
  if (machine.state === 'off') throw conflict('This machine is already off.')
  return beginTransition(world, machine, 'stop', [{ state: 'stopping', ms: DURATIONS.stop }], 'off')
}

export function restartMachine(world: World, machine: MachineRecord): EventRecord {
  assertSettled(machine)
  if (machine.state === 'off') throw conflict('This machine is already off.')
  if (machine.state !== 'ready') throw conflict('This machine is not running. Start it instead.')
  return beginTransition(world, machine, 'restart', [{ state: 'restarting', ms: DURATIONS.restart }], 'ready')
}

export function provisionMachine(world: World, machine: MachineRecord, startOnCreate: boolean): EventRecord {
  const phases = startOnCreate
    ? [
        { state: 'provisioning' as const, ms: DURATIONS.provision },
        { state: 'starting' as const, ms: DURATIONS.start },
      ]
    : [{ state: 'provisioning' as const, ms: DURATIONS.provision }]
  return beginTransition(world, machine, 'create', phases, startOnCreate ? 'ready' : 'off')
}
