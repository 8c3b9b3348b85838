import { describe, expect, it } from 'vitest'
import {
  actionBlockedReason,
  isTransitional,
  MACHINE_STATES,
  pendingStateFor,
  stateLabel,
  stateTone,
} from './machine-state'

describe('machine states', () => {
  it('knows which states are on their way somewhere', () => {
    const transitional = MACHINE_STATES.filter((s) => isTransitional(s))
    expect(transitional).toEqual(['starting', 'stopping', 'restarting', 'provisioning', 'serviceready', 'upgrading'])
    expect(isTransitional(undefined)).toBe(false)
  })

  it('labels unknown states as they come', () => {
    expect(stateLabel('serviceready')).toBe('Services ready')
    expect(stateLabel('hibernating')).toBe('hibernating')
    expect(stateTone('hibernating')).toBe('unknown')
  })

  it('says why an action cannot apply', () => {
    expect(actionBlockedReason('start', 'off')).toBeNull()
    expect(actionBlockedReason('start', 'failed')).toBeNull()
    expect(actionBlockedReason('start', 'ready')).toBe('The machine is already running.')
    expect(actionBlockedReason('stop', 'ready')).toBeNull()
    expect(actionBlockedReason('stop', 'off')).toBe('The machine is already off.')
    expect(actionBlockedReason('restart', 'off')).toBe('Only a running machine can be restarted.')
    expect(actionBlockedReason('stop', 'starting')).toBe('The machine is starting.')
    expect(pendingStateFor('restart')).toBe('restarting')
  })
})
