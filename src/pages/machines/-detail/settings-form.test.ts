import { describe, expect, it } from 'vitest'
import type { Machine } from '../../../api/machines'
import { fieldForServerMessage, initialSettings, settingsChanges, validateSettings } from './settings-form'

const machine: Machine = {
  id: 'ps1',
  name: 'box',
  machineType: 'C5',
  autoShutdownEnabled: false,
  autoSnapshotEnabled: true,
}

describe('settings form', () => {
  it('starts from what the service reports, and from what was saved here when it does not say', () => {
    expect(initialSettings(machine)).toEqual({
      name: 'box',
      autoShutdown: '0',
      autoSnapshot: '',
      machineType: 'C5',
      diskSize: '',
    })
    expect(initialSettings(machine, { autoSnapshot: 'daily' }).autoSnapshot).toBe('daily')
    const live = { ...machine, autoShutdownTimeout: 4, autoSnapshotFrequency: 'Weekly' } as Machine
    expect(initialSettings(live)).toMatchObject({ autoShutdown: '4', autoSnapshot: 'weekly' })
  })

  it('validates names and hours', () => {
    const base = initialSettings(machine)
    expect(validateSettings({ ...base, name: '  ' })).toEqual({ name: 'Enter a name.' })
    expect(validateSettings({ ...base, name: 'x'.repeat(65) }).name).toMatch(/at most 64/)
    expect(validateSettings({ ...base, autoShutdown: '1.5' }).autoShutdown).toBeDefined()
    expect(validateSettings({ ...base, autoShutdown: '169' }).autoShutdown).toBeDefined()
    expect(validateSettings({ ...base, autoShutdown: '168' })).toEqual({})
  })

  it('sends only what changed', () => {
    const base = initialSettings(machine)
    expect(settingsChanges(base, base)).toEqual({})
    expect(settingsChanges(base, { ...base, name: ' new ', autoShutdown: '0', autoSnapshot: 'daily' })).toEqual({
      name: 'new',
      autoSnapshotFrequency: 'daily',
    })
    expect(settingsChanges(base, { ...base, autoShutdown: '12', machineType: 'C6' })).toEqual({
      autoShutdownTimeoutHours: 12,
      machineType: 'C6',
    })
  })

  it('lets the disk grow, never shrink', () => {
    const base = initialSettings({ ...machine, storageTotal: 100 * 1024 ** 3 })
    expect(base.diskSize).toBe('100')
    expect(validateSettings({ ...base, diskSize: '250' }, base)).toEqual({})
    expect(validateSettings({ ...base, diskSize: '50' }, base).diskSize).toBe(
      'A disk can only grow: enter 100 GB or more.',
    )
    expect(validateSettings({ ...base, diskSize: '3000' }, base).diskSize).toBe('Enter whole GB, up to 2000.')
    expect(settingsChanges(base, { ...base, diskSize: '250' })).toEqual({ diskSize: 250 })
    expect(settingsChanges(base, base)).toEqual({})
    expect(fieldForServerMessage('diskSize can only grow: the disk has 250 GB.')).toBe('diskSize')
  })

  it('puts a refusal at the field it talks about', () => {
    expect(fieldForServerMessage('name must not be empty.')).toBe('name')
    expect(fieldForServerMessage('autoShutdownTimeoutHours must be an integer between 0 and 168.')).toBe('autoShutdown')
    expect(fieldForServerMessage('autoSnapshotFrequency must be one of: hourly.')).toBe('autoSnapshot')
    expect(fieldForServerMessage('Change the machine type while the machine is off.')).toBe('machineType')
    expect(fieldForServerMessage('machineType H100 is not offered in region ams1.')).toBe('machineType')
    expect(fieldForServerMessage('The request was refused.')).toBeNull()
  })
})
