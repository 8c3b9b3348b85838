import { describe, expect, it } from 'vitest'
import { initialCreateValues, machineTypeGroups, toMachineCreate, validateCreateForm } from './fleet-create'

const valid = { ...initialCreateValues({ region: 'ny2', machineType: 'A100' }), name: 'trainer' }

describe('create form', () => {
  it('prefills a known region (any spelling) and type, and ignores unknown ones', () => {
    expect(initialCreateValues({ region: 'East Coast (NY2)', machineType: 'a100' })).toMatchObject({
      region: 'ny2',
      machineType: 'A100',
    })
    expect(initialCreateValues({ region: 'mars', machineType: 'warp9' })).toMatchObject({ region: '', machineType: '' })
  })

  it('accepts valid values', () => {
    expect(validateCreateForm(valid)).toEqual({})
  })

  it('requires a name of 1 to 64 characters', () => {
    expect(validateCreateForm({ ...valid, name: '   ' }).name).toBe('Enter a name.')
    expect(validateCreateForm({ ...valid, name: 'x'.repeat(64) }).name).toBeUndefined()
    expect(validateCreateForm({ ...valid, name: 'x'.repeat(65) }).name).toBe('Use at most 64 characters (now 65).')
  })

  it('requires a type offered in the chosen region', () => {
    expect(validateCreateForm({ ...valid, region: '' }).region).toBe('Choose a region.')
    expect(validateCreateForm({ ...valid, machineType: '' }).machineType).toBe('Choose a machine type.')
    expect(validateCreateForm({ ...valid, region: 'ams1' }).machineType).toBe(
      'A100 is not offered in Europe (AMS1). It is offered in East Coast (NY2).',
    )
  })

  it('keeps disk size within 50 to 2000 GB and auto-shutdown within 1 to 168 hours', () => {
    for (const disk of ['49', '2001', '1.5', 'abc', '']) {
      expect(validateCreateForm({ ...valid, diskSize: disk }).diskSize).toMatch(/from 50 to 2000/)
    }
    expect(validateCreateForm({ ...valid, diskSize: '2000' }).diskSize).toBeUndefined()
    expect(validateCreateForm({ ...valid, autoShutdownHours: '0' }).autoShutdownHours).toBeUndefined()
    expect(validateCreateForm({ ...valid, autoShutdown: true, autoShutdownHours: '0' }).autoShutdownHours).toMatch(
      /from 1 to 168/,
    )
    expect(
      validateCreateForm({ ...valid, autoShutdown: true, autoShutdownHours: '168' }).autoShutdownHours,
    ).toBeUndefined()
  })

  it('builds the request body', () => {
    expect(
      toMachineCreate({ ...valid, name: ' trainer ', diskSize: '100', autoShutdown: true, autoShutdownHours: '12' }),
    ).toEqual({
      name: 'trainer',
      region: 'ny2',
      machineType: 'A100',
      templateId: 't0nspur5',
      diskSize: 100,
      startOnCreate: true,
      autoShutdownTimeoutHours: 12,
      autoShutdownEnabled: true,
      autoShutdownTimeout: 12,
    })
    expect(toMachineCreate(valid)).not.toHaveProperty('autoShutdownTimeoutHours')
    expect(toMachineCreate(valid)).not.toHaveProperty('accessorIds')
    expect(toMachineCreate(valid)).not.toHaveProperty('takeInitialSnapshot')
    expect(
      toMachineCreate({ ...valid, accessorIds: ['u1', 'u2'], takeInitialSnapshot: true, startOnCreate: false }),
    ).toMatchObject({ accessorIds: ['u1', 'u2'], takeInitialSnapshot: true, startOnCreate: false })
  })

  it('groups machine types by class', () => {
    expect(machineTypeGroups().map((g) => g.label)).toEqual(['CPU', 'GPU', 'Multi-GPU'])
  })
})
