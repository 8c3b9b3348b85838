/** What each machine state means for a person and for the actions that apply to it. Pure: no React, no fetch. */

export const MACHINE_STATES = [
  'ready',
  'off',
  'starting',
  'stopping',
  'restarting',
  'provisioning',
  'serviceready',
  'upgrading',
  'failed',
] as const

export type KnownMachineState = (typeof MACHINE_STATES)[number]

const TRANSITIONAL: ReadonlySet<string> = new Set([
  'starting',
  'stopping',
  'restarting',
  'provisioning',
  'serviceready',
  'upgrading',
])

/** A machine in one of these states is on its way somewhere: poll it fast. */
export function isTransitional(state: string | undefined): boolean {
  return state !== undefined && TRANSITIONAL.has(state)
}

export type StateTone = 'running' | 'stopped' | 'busy' | 'failed' | 'unknown'

export function stateTone(state: string | undefined): StateTone {
  if (state === 'ready') return 'running'
  if (state === 'off') return 'stopped'
  if (state === 'failed') return 'failed'
  if (isTransitional(state)) return 'busy'
  return 'unknown'
}

const LABELS: Record<string, string> = {
  ready: 'Ready',
  off: 'Off',
  starting: 'Starting',
  stopping: 'Stopping',
  restarting: 'Restarting',
  provisioning: 'Provisioning',
  serviceready: 'Services ready',
  upgrading: 'Upgrading',
  failed: 'Failed',
}

/** A state as a person reads it; unknown states are shown as they come. */
export function stateLabel(state: string | undefined): string {
  if (!state) return 'Unknown'
  return LABELS[state] ?? state
}

export type LifecycleAction = 'start' | 'stop' | 'restart'

/**
 * Why an action cannot apply to a machine in this state, or null when it can.
 * Mirrors the service's rules: start from off or failed; stop and restart from ready; nothing mid-transition.
 */
export function actionBlockedReason(action: LifecycleAction, state: string | undefined): string | null {
  if (isTransitional(state)) return `The machine is ${stateLabel(state).toLowerCase()}.`
  switch (action) {
    case 'start':
      return state === 'off' || state === 'failed'
        ? null
        : state === 'ready'
          ? 'The machine is already running.'
          : 'The machine cannot be started in this state.'
    case 'stop':
      return state === 'ready'
        ? null
        : state === 'off'
          ? 'The machine is already off.'
          : 'The machine cannot be stopped in this state.'
    case 'restart':
      return state === 'ready' ? null : 'Only a running machine can be restarted.'
  }
}

/** The state a machine shows at once when an action is accepted (optimistic update). */
export function pendingStateFor(action: LifecycleAction): KnownMachineState {
  return action === 'start' ? 'starting' : action === 'stop' ? 'stopping' : 'restarting'
}
